import { withSecondZone } from '../../vitest.shared.js';

// The mapper tests read vendor dates: they run a second time in a zone far from UTC. The contract runs under
// vitest's default limits, as in an adapter author's repository: its suites must set their own (real media
// waits about a second for the first HLS segment, past vitest's 1 s poll).
export default withSecondZone('wowza-video', ['src/map-*.test.ts'], ['src/wowza-video.contract.test.ts']);
