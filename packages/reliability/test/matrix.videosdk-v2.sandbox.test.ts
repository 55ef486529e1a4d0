import { runFaultMatrix } from '../src/matrix.js';

runFaultMatrix('videosdk-v2', 'sandbox');
