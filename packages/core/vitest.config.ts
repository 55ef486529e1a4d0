import { withSecondZone } from '../../vitest.shared.js';

export default withSecondZone('core', ['src/timestamps.test.ts']);
