import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../test/fake-provider.js';
import { createLiveStreamClient } from './client/live-stream-client.js';
import { InvalidInputError } from './errors/errors.js';
import type { LiveStream } from './live-stream.js';
import type { LiveStreamProvider } from './provider.js';
import { withNameShownOrWarned, withUpdateNameChecked } from './update-name.js';

const said = (provider: string) => ({
  type: 'other',
  message: `${provider} update: the vendor accepted the update, but the stream it returned has another name than the one sent: another call renamed it since, the read was a copy from before the change, or the vendor did not carry it out. Get the stream for its name now.`,
});

/** A provider whose update answers the stream as it was, whatever the patch: a rename not carried out. */
function renamesNothing(): LiveStreamProvider {
  const { provider } = fakeProvider('outside', { streams: 1 });
  return { ...provider, update: (id) => provider.get(id) };
}

describe('an update whose stream has another name than the one sent', () => {
  it('is said once, called directly or through a client, and never where the name is shown or none was sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name.trim() === name),
        fc.boolean(),
        async (name, throughClient) => {
          const provider = withUpdateNameChecked(renamesNothing());
          const caller = throughClient ? createLiveStreamClient(provider) : provider;
          const before = await provider.get('outside1');
          const renamed = await caller.update('outside1', { name });
          const other = renamed.warnings?.filter((warning) => warning.type === 'other') ?? [];
          expect(renamed.name).toBe(before.name);
          expect(other).toEqual(name === before.name ? [] : [said('outside')]);
          const recorded = await caller.update('outside1', { recording: true });
          expect(recorded.warnings ?? []).toEqual([]);
        },
      ),
    );
  });

  it('leaves the stream as it is where it shows the name, has none, or says it already', () => {
    const stream: LiveStream = { id: 's', provider: 'p', state: 'ready', ingest: [], playback: [], raw: {} };
    expect(withNameShownOrWarned(stream, 'x')).toBe(stream);
    const named = { ...stream, name: 'x' };
    expect(withNameShownOrWarned(named, 'x')).toBe(named);
    expect(withNameShownOrWarned(named, undefined)).toBe(named);
    const warned = withNameShownOrWarned(named, 'y');
    expect(warned.warnings).toEqual([said('p')]);
    expect(withNameShownOrWarned(warned, 'y')).toBe(warned);
  });

  it("passes the provider's refusal of a patch as it is, and its answer where the name cannot be read", async () => {
    const provider = withUpdateNameChecked(renamesNothing());
    const patch = Object.defineProperty({}, 'name', {
      enumerable: true,
      get() {
        throw new Error('no name here');
      },
    });
    const refused = await createLiveStreamClient(provider)
      .update('outside1', patch)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(InvalidInputError.isInstance(refused)).toBe(true);
    // This provider reads no patch: its answer stands, the unreadable name taken for none sent.
    const direct = await provider.update('outside1', patch);
    expect(direct.warnings ?? []).toEqual([]);
  });
});

describe('withUpdateNameChecked over providers outside the contract', () => {
  const stream = (name: string): LiveStream => ({
    id: 's',
    provider: 'p',
    name,
    state: 'ready',
    ingest: [],
    playback: [],
    raw: {},
  });
  const wrapped = (update: (id: string, patch: { name?: string }) => unknown) =>
    withUpdateNameChecked({ update } as unknown as LiveStreamProvider);

  it('checks an answer given at once, or through a thenable that is no promise, as it checks a promise', async () => {
    const sync = wrapped(() => stream('old')).update('s', { name: 'new' }) as unknown as LiveStream;
    expect(sync.warnings).toEqual([said('p')]);
    const thenable = wrapped(() => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is no promise is what this case is.
      then: (resolve: (value: LiveStream) => void) => resolve(stream('old')),
    }));
    expect((await thenable.update('s', { name: 'new' })).warnings).toEqual([said('p')]);
  });

  it('passes what is no stream on as it came, and leaves a stream without a provider or a warnings list as it is', async () => {
    for (const answer of [null, undefined, 42, 'x']) {
      await expect(wrapped(async () => answer).update('s', { name: 'new' })).resolves.toBe(answer);
      expect(withNameShownOrWarned(answer as unknown as LiveStream, 'new')).toBe(answer);
    }
    const odd = [
      { ...stream('old'), provider: undefined },
      { ...stream('old'), warnings: 'none' },
    ] as unknown as LiveStream[];
    for (const given of odd) expect(withNameShownOrWarned(given, 'new')).toBe(given);
  });

  it('reads the name as given, before the provider runs: a provider changing the patch it is handed is held to what was sent', async () => {
    const provider = wrapped(async (_id, patch) => {
      const sent = patch.name ?? '';
      patch.name = 'changed by the provider';
      return stream(sent);
    });
    const renamed = await provider.update('s', { name: 'new' });
    expect(renamed.warnings ?? []).toEqual([]);
  });
});
