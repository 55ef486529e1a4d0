import { runFaultMatrix } from '../src/matrix.js';

runFaultMatrix('liveapi', 'nock');
