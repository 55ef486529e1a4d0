import { runFaultMatrix } from '../src/matrix.js';

runFaultMatrix('videosdk', 'nock');
