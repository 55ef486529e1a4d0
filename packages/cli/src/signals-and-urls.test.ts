import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stopOnSignals } from './cli.js';
import { webhookUrlText } from './text.js';

describe('printed webhook URLs', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
  const secret = fc.stringMatching(/^[A-Za-z0-9]{16,32}$/);
  const origin = fc.constantFrom(
    'https://app.example',
    'http://127.0.0.1:3000',
    'https://hooks.example:8443',
  );

  it('never show the last path segment, where the path secret is, nor the query; show the first of several', () => {
    fc.assert(
      fc.property(
        origin,
        fc.array(segment, { maxLength: 3 }),
        secret,
        fc.boolean(),
        (base, before, last, query) => {
          const path = [...before, last].join('/');
          const url = `${base}/${path}${query ? `?token=${last}` : ''}`;
          const printed = webhookUrlText(url);
          expect(printed).not.toContain(last);
          expect(printed.startsWith(`${base}/`)).toBe(true);
          expect(printed.endsWith('…')).toBe(true);
          if (before.length > 0) expect(printed).toBe(`${base}/${before[0]}/…`);
          else expect(printed).toBe(`${base}/…`);
        },
      ),
    );
    expect(webhookUrlText('https://app.example/')).toBe('https://app.example/');
    expect(webhookUrlText('not a url')).toBe('(a URL)');
  });
});

describe('signals that end a command', () => {
  it('Ctrl-C, SIGTERM and a closed terminal (SIGHUP) abort the running command; a second one exits at once', () => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const source = new EventEmitter();
      const exits: number[] = [];
      const aborted = stopOnSignals(source, (exitCode) => exits.push(exitCode));
      expect(aborted.aborted).toBe(false);
      source.emit(signal, signal);
      expect(aborted.aborted).toBe(true);
      expect(exits).toEqual([]);
      source.emit(signal, signal);
      expect(exits).toEqual([code]);
    }
  });
});
