import fc from 'fast-check';
import { expect } from 'vitest';

/** How a dialect is asked to take a name, and what it answers and keeps. */
export interface NameLimitCase {
  /** The longest name the dialect keeps, in code points. */
  limit: number;
  /** Creates a stream named `name`, or renames the one stream `stored` reads (`update`). */
  send(name: string, update: boolean): Promise<{ status: number; body?: unknown }>;
  /** The name of the stream an update renames, as a later read answers it. */
  stored(): Promise<unknown>;
  /** The status of a name taken, on create or on update. */
  accepted(update: boolean): number;
  /** The whole answer to a name past the limit. */
  refusal: { status: number; body: unknown };
  /** Streams the dialect has made so far: a refused create makes none. */
  created(): number;
}

/**
 * Holds a dialect to its limit on names, counted in code points: names of 1 to 1.4 times the limit, each of
 * one kind of character of one to four UTF-8 bytes, on create and on update. A name within the limit is
 * answered and kept as sent; a longer one gets the refusal and changes nothing.
 */
export async function holdsNameLimit(dialect: NameLimitCase): Promise<void> {
  const { limit } = dialect;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: Math.ceil(limit * 1.4) }),
      fc.constantFrom('n', 'é', '字', '😀'),
      fc.boolean(),
      async (length, unit, update) => {
        const name = unit.repeat(length);
        const before = dialect.created();
        const response = await dialect.send(name, update);
        const stored = await dialect.stored();
        if (length <= limit) {
          expect(response.status).toBe(dialect.accepted(update));
          expect((response.body as { name?: unknown }).name).toBe(name);
          if (update) expect(stored).toBe(name);
          return;
        }
        expect(response).toEqual(dialect.refusal);
        expect(dialect.created()).toBe(before);
        expect(stored).not.toBe(name);
      },
    ),
    { numRuns: 60 },
  );
}
