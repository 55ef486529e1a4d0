import { describe, expect, it, vi } from 'vitest';
import { capturedOutput } from '../test/secrets.js';
import { main } from './cli.js';

// No ffmpeg runs on this machine, as far as push can tell.
vi.mock('@unilive/sandbox', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@unilive/sandbox')>()),
  findFfmpeg: () => undefined,
}));

// A push that cannot run fails as every command does: exit 1, the reason on stderr and, with `--json`,
// as `{"error": …}` on stdout (it printed no JSON). A UNILIVE_FFMPEG that is set names the ffmpeg to run,
// so the reason says it is that one which does not run, not that ffmpeg should be installed.
describe('unilive push without an ffmpeg that runs', () => {
  it('fails with exit 1, in JSON too, naming UNILIVE_FFMPEG when it is set', async () => {
    for (const variable of [undefined, '/nonexistent/ffmpeg']) {
      const { out, err, output } = capturedOutput();
      const code = await main(['push', 'abc', '--json'], {
        output,
        loadFactory: async () => undefined,
        environment: { UNILIVE_PROVIDER: 'memory', ...(variable ? { UNILIVE_FFMPEG: variable } : {}) },
      });
      expect(code).toBe(1);
      const reason = variable
        ? 'push needs ffmpeg: UNILIVE_FFMPEG names none that runs (its `-version` failed); set it to an ffmpeg binary, or unset it to use the system ffmpeg'
        : 'push needs ffmpeg: install it (apt-get install ffmpeg, brew install ffmpeg), set UNILIVE_FFMPEG, or install @ffmpeg-installer/ffmpeg';
      expect(err).toEqual([`unilive: ${reason}`]);
      expect(out.map((line) => JSON.parse(line))).toEqual([
        { error: { name: 'CommandFailure', message: reason, isRetryable: false } },
      ]);
    }
  });
});
