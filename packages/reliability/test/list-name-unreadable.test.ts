import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  ResponseShapeError,
  type UniliveError,
  type WarningEvent,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';
import { editListPages, listRuns, proxiedSandbox } from './proxied-sandbox.js';

const streamCount = 4;

/** How a list page's record is spoilt: an id unilive would not put in a URL, and what its name becomes. */
type IdSpoil = 'absent' | 'unusable' | 'number';
/** `kept`: the stream's own name (another than the one sought, or the one sought for the stream sought). */
type NameSpoil = 'kept' | 'sought' | 'blank' | 'absent' | 'null' | 'number' | 'object';
interface Spoil {
  id: IdSpoil;
  name: NameSpoil;
}

const { counted } = checkSection('hardening.list-name-unreadable', 'lists');
const check =
  'a record unilive cannot read is passed over when it names another stream, else reported by list and fatal to findByName';

for (const adapterId of adapterIds) {
  // videosdk v2 rooms keep no name (`capabilities.names` false): there is no name to seek.
  if (adapterId !== 'videosdk-v2') describeAdapter(adapterId);
}

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  describe(`a list for one name whose page holds records unilive cannot read: ${adapterId}`, () => {
    const stage = proxiedSandbox(adapter, {
      streams: streamCount,
      namePrefix: 'unilive name filter',
      retry: { maxRetries: 0 },
    });
    const { settings } = stage;

    /**
     * Spoils, on every list page the vendor sends, the records of the streams `spoils` names; says where
     * each spoilt record sat (its page and 1-based place on it).
     */
    function arm(spoils: ReadonlyMap<string, Spoil>, soughtName: string) {
      stage.proxy.reset();
      const places = new Map<string, string>();
      editListPages(stage.proxy, (records, page) => {
        for (const [index, record] of records.entries()) {
          const idKey = '_id' in record ? '_id' : 'id';
          const spoil = spoils.get(String(record[idKey]));
          if (spoil === undefined) continue;
          places.set(String(record[idKey]), `record ${index + 1} of page ${page}`);
          if (spoil.id === 'absent') delete record[idKey];
          else record[idKey] = spoil.id === 'unusable' ? `legacy:${String(record[idKey])}` : 7;
          if (spoil.name === 'sought') record.name = soughtName;
          else if (spoil.name === 'blank') record.name = ' ';
          else if (spoil.name === 'absent') delete record.name;
          else if (spoil.name === 'null') record.name = null;
          else if (spoil.name === 'number') record.name = 42;
          else if (spoil.name === 'object') record.name = { name: soughtName };
        }
      });
      return places;
    }

    it('a record that names another stream is passed over in silence by list({ name }) and findByName; one that names the stream sought, or no readable name, is reported by list and fails findByName naming findByName', async () => {
      // The streams in the vendor's order, and their names.
      stage.proxy.reset();
      const plain = await createLiveStreamClient(adapter.factory(settings())).list().toArray();
      expect(plain).toHaveLength(streamCount);
      const spoilArbitrary = fc.option(
        fc.record({
          id: fc.constantFrom<IdSpoil>('absent', 'unusable', 'number'),
          name: fc.constantFrom<NameSpoil>('kept', 'sought', 'blank', 'absent', 'null', 'number', 'object'),
        }),
        { nil: undefined },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(spoilArbitrary, { minLength: streamCount, maxLength: streamCount }),
          fc.nat({ max: streamCount - 1 }),
          (planned, soughtAt) =>
            counted(check, adapterId, async () => {
              const sought = plain[soughtAt];
              if (sought?.name === undefined) throw new Error('the sandbox kept no name');
              const spoils = new Map<string, Spoil>();
              for (const [index, stream] of plain.entries()) {
                const spoil = planned[index];
                if (spoil !== undefined) spoils.set(stream.id, spoil);
              }
              const said = `${JSON.stringify(planned)}, looking for #${soughtAt}`;
              // The model: a spoilt record is passed over in silence when it names another stream; it is
              // reported when it names the one sought, or carries no name as a string.
              const namesAnother = (index: number, spoil: Spoil) =>
                spoil.name === 'blank' || (spoil.name === 'kept' && index !== soughtAt);
              const reported = plain.filter((stream, index) => {
                const spoil = spoils.get(stream.id);
                return spoil !== undefined && !namesAnother(index, spoil);
              });
              const soughtIntact = !spoils.has(sought.id);

              const warnings: WarningEvent[] = [];
              const client = createLiveStreamClient(adapter.factory(settings()), {
                hooks: { onWarning: (event) => warnings.push(event) },
              });
              let places = arm(spoils, sought.name);
              const listed = await client.list({ name: sought.name }).toArray();
              expect(
                listed.map((stream) => stream.id),
                said,
              ).toEqual(soughtIntact ? [sought.id] : []);
              expect(
                warnings.map((event) => [
                  event.operation,
                  event.warning.type,
                  event.warning.message.split(' was ')[0],
                ]),
                said,
              ).toEqual(
                reported.map((stream) => [
                  'list',
                  'skipped-record',
                  `${adapter.provider} list: ${places.get(stream.id)}`,
                ]),
              );

              const registry = createLiveStreamRegistry({ providers: { p: adapter.factory(settings()) } });
              places = arm(spoils, sought.name);
              const found = await registry.findByName(sought.name).then(
                (streams) => streams.map((stream) => stream.ref),
                (caught: unknown) => caught,
              );
              stage.proxy.reset();
              const [first] = reported;
              if (first === undefined) {
                expect(found, said).toEqual(soughtIntact ? [`p:${sought.id}`] : []);
                return;
              }
              expect(ResponseShapeError.isInstance(found), `${said}: ${String(found)}`).toBe(true);
              const failure = found as UniliveError;
              expect(failure).toMatchObject({ operation: 'findByName', providerName: 'p' });
              expect(
                failure.message.startsWith(`${adapter.provider} findByName (list): ${places.get(first.id)} `),
                failure.message,
              ).toBe(true);
            }),
        ),
        { numRuns: listRuns },
      );
    });
  });
}
