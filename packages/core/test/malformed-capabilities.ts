import fc from 'fast-check';
import { capabilityFlags } from '../src/capabilities-read.js';

/**
 * One field of a provider's capabilities made malformed: a value of another type, a list too long or of
 * names that are none, a lifecycle or state no provider has. `value: undefined` leaves a field out.
 */
export const malformedCapability = fc.oneof(
  fc.record({
    field: fc.constantFrom('ingestProtocols', 'playbackProtocols', 'updatable', 'states'),
    value: fc.constantFrom<unknown>(
      null,
      'rtmp',
      {},
      [1],
      [null],
      5,
      true,
      // Longer than any vendor's list: refused unread, however long it claims to be.
      new Array(65).fill('rtmp'),
      new Array(2 ** 32 - 1),
    ),
  }),
  fc.record({
    field: fc.constant('updatable'),
    value: fc.constantFrom<unknown>(['bogus'], ['name', 'Recording'], ['lowlatency']),
  }),
  fc.record({
    field: fc.constant('states'),
    value: fc.constantFrom<unknown>(['live'], ['ready', 'Ready'], ['READY'], [['ready']]),
  }),
  fc.record({
    field: fc.constant('maxNameLength'),
    value: fc.constantFrom<unknown>(null, '200', Number.NaN, 0, -5, undefined, {}, 1.5),
  }),
  fc.record({
    field: fc.constant('lifecycle'),
    value: fc.constantFrom<unknown>(null, 'manual', 'Explicit', 1, {}, ['toggle']),
  }),
  fc.record({
    field: fc.constantFrom(...capabilityFlags),
    value: fc.constantFrom<unknown>(null, 'yes', 1, 0, {}, []),
  }),
);
