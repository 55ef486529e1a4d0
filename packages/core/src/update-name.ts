import type { LiveStream, Warning } from './live-stream.js';
import { ownValue } from './own.js';
import { isThenable } from './thenable.js';

/**
 * The warning of an update that sent a name and got back a stream with another one: the vendor accepted the
 * change, but what it returned (its answer, or the read after an answer that held no stream) does not show
 * it: another call renamed the stream since, the read was a copy from before, or the vendor did not carry it
 * out. Said as a lifecycle call's read-back is, never returned in silence as the update's result. A stream
 * returned without a name is the adapter's to warn of (a vendor that does not keep names,
 * `capabilities.names` false).
 */
function nameNotShownWarning(provider: string): Warning {
  return {
    type: 'other',
    message: `${provider} update: the vendor accepted the update, but the stream it returned has another name than the one sent: another call renamed it since, the read was a copy from before the change, or the vendor did not carry it out. Get the stream for its name now.`,
  };
}

/**
 * `stream`, the result of an update that sent `sent` as its name, with {@link nameNotShownWarning} added when
 * its name is another (and it has none such yet: a provider's result the client checks again is warned of
 * once). As it is otherwise.
 */
export function withNameShownOrWarned(stream: LiveStream, sent: string | undefined): LiveStream {
  // What is no stream (an outside provider's `null`, a stream without its provider or with warnings that are
  // no list) is left as it is, for whoever reads it to refuse.
  if (sent === undefined || typeof stream !== 'object' || stream === null) return stream;
  if (stream.name === undefined || stream.name === sent || typeof stream.provider !== 'string') return stream;
  if (stream.warnings !== undefined && !Array.isArray(stream.warnings)) return stream;
  const warning = nameNotShownWarning(stream.provider);
  const warnings = stream.warnings ?? [];
  if (warnings.some((given) => given.type === warning.type && given.message === warning.message))
    return stream;
  return { ...stream, warnings: [...warnings, warning] };
}

/**
 * Makes `provider.update` say when the stream it returns has another name than the one sent: an `other`
 * warning on the result ({@link withNameShownOrWarned}), as a client's `update` adds, so that a provider
 * called directly behaves as one wrapped in a client. Changes `provider` in place (its `update`, which must be
 * writable) and returns it; each adapter's factory calls it on the provider it returns, as it calls
 * `withNotFoundStreamId`. The name sent is read from the patch as given (`patch.name`, own and text only).
 */
export function withUpdateNameChecked<P extends object>(provider: P): P {
  const methods = provider as Record<string, unknown>;
  const update = methods.update;
  if (typeof update !== 'function') return provider;
  methods.update = function updateNameChecked(
    this: unknown,
    id: unknown,
    patch: unknown,
    ...rest: unknown[]
  ) {
    // The name as given, read before the provider runs (which may change the patch it was handed).
    let sent: string | undefined;
    try {
      const name = ownValue(patch, 'name');
      sent = typeof name === 'string' ? name : undefined;
    } catch {
      // A patch whose name cannot be read: the provider refuses it, or takes none.
    }
    const answer: unknown = (update as (...args: unknown[]) => unknown).call(this, id, patch, ...rest);
    if (isThenable(answer))
      return Promise.resolve(answer).then((stream) => withNameShownOrWarned(stream as LiveStream, sent));
    // A provider whose update answers at once (outside the contract, which promises a promise) is checked
    // as it answers.
    return withNameShownOrWarned(answer as LiveStream, sent);
  };
  return provider;
}
