import { InvalidInputError, type LiveStreamProvider } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSection } from './check-rows.js';
import { subjects } from './direct-harness.js';

// A provider option given a value its vendor does not take is refused in unilive's words, on every adapter:
// what was expected (`expected a string`, `expected one of landscape, portrait`, `expected at least 1`),
// never a validation library's own (`Invalid type: Expected string`), and never the value received. The
// options are every one the adapter names when refusing an unknown one, on create, update and start.

const { counted, row } = checkSection('hardening.option-words', 'configuration');
const check = 'a provider option’s refused value: unilive’s words, nothing received';

type Call = 'create' | 'update' | 'start';

function refusalOf(provider: LiveStreamProvider, call: Call, id: string, entry: object) {
  const providerOptions = { [provider.id]: entry } as never;
  if (call === 'create') return provider.create({ name: 'Launch', providerOptions });
  if (call === 'update') return provider.update(id, { providerOptions });
  return provider.start(id, { providerOptions });
}

async function issuesOf(run: () => Promise<unknown>): Promise<{ path: string; message: string }[]> {
  try {
    await run();
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return [...error.issues];
  }
  return [];
}

// The options an adapter takes on a call, as its refusal of an unknown one lists them.
async function optionNames(subject: (typeof subjects)[number], call: Call): Promise<string[]> {
  const { provider } = subject.make();
  const issues = await issuesOf(() => refusalOf(provider, call, subject.id, { no_such_option_here: 1 }));
  const listed = issues.map((issue) => /expected one of (.*)$/.exec(issue.message)?.[1]).find(Boolean);
  return listed ? listed.split(', ') : [];
}

describe('a provider option’s refused value is told in unilive’s words, on every adapter', () => {
  for (const subject of subjects) {
    it(`${subject.label}: every option, wrong values of every kind (generated)`, async () => {
      const named: Record<Call, string[]> = {
        create: await optionNames(subject, 'create'),
        update: await optionNames(subject, 'update'),
        start: await optionNames(subject, 'start'),
      };
      const calls = (Object.keys(named) as Call[]).filter((call) => named[call].length > 0);
      if (subject.label === 'memory' || subject.label === 'videosdk') {
        // Neither takes any option: an entry is refused whole, naming no field.
        expect(calls).toEqual([]);
        return;
      }
      expect(calls.length).toBeGreaterThan(0);
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...calls)
            .chain((call) => fc.tuple(fc.constant(call), fc.constantFrom(...named[call]))),
          fc.oneof(
            fc.constantFrom<unknown>(12345, -1, 1.5, 0, '', 'x', true, null, [], [1], {}, { a: 1 }),
            fc.anything({ maxDepth: 2 }),
          ),
          ([call, option], value) =>
            counted(check, subject.label, async () => {
              const { provider } = subject.make();
              const issues = await issuesOf(() => refusalOf(provider, call, subject.id, { [option]: value }));
              if (issues.length > 0) refused += 1;
              for (const issue of issues) {
                expect(issue.message, `${call} ${option}`).not.toMatch(/Invalid |Expected |received/);
              }
            }),
        ),
        { numRuns: 300 },
      );
      row(check, subject.label).figure = `${refused} of 300 values refused`;
      expect(refused).toBeGreaterThan(100);
    });
  }
});
