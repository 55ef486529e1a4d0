import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import type { Output } from './progress.js';

// Where the demo is when Ctrl-C comes: before any video, as the encoder step begins (with ffmpeg, the
// push starts and its waits and HLS reads meet the signal first), and once the stream is live (with
// ffmpeg, while it reads the HLS output; without, the simulated encoder's line).
const moments = [
  ['after the create', /^ {2}1\. created /],
  ['as the encoder step begins', /^ {2}6\. encoder/],
  ['while video is pushed and played', /^ {5}live after |^ {2}6\. encoder connected \(simulated/],
] as const;

describe('unilive demo interrupted', () => {
  it.each(moments)('%s: exits 130, named an interrupt, never an unexpected failure', async (_, line) => {
    const out: string[] = [];
    const err: string[] = [];
    const controller = new AbortController();
    const output: Output = {
      out: (text) => {
        out.push(text);
        if (line.test(text)) controller.abort();
      },
      err: (text) => err.push(text),
      interactive: false,
    };
    const code = await main(['demo', '-p', 'liveapi'], {
      output,
      environment: {},
      signal: controller.signal,
    });
    expect(controller.signal.aborted).toBe(true);
    expect({ code, err: err.filter((text) => !text.startsWith('unilive: AbortError: ')) }).toEqual({
      code: 130,
      err: [],
    });
    expect(err.join('\n')).not.toContain('unexpected failure');
  });
});
