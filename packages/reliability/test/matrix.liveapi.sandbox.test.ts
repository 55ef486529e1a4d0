import { runFaultMatrix } from '../src/matrix.js';

runFaultMatrix('liveapi', 'sandbox');
