import { runFaultMatrix } from '../src/matrix.js';

runFaultMatrix('wowza-video', 'nock');
