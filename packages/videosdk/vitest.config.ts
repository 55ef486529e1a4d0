import { withSecondZone } from '../../vitest.shared.js';

// The mapper tests read vendor dates: they run a second time in a zone far from UTC.
export default withSecondZone('videosdk', ['src/map-*.test.ts']);
