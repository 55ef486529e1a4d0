import { runFaultMatrix } from '../src/matrix.js';

runFaultMatrix('wowza-realtime', 'nock');
