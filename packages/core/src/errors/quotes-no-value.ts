/**
 * Errors core builds out of fixed text and setting names alone, quoting no value of the settings it checks
 * (`baseUrl (expected an absolute https:// URL without user name or password…)`). Loading a client from
 * configuration masks what a factory throws by every text its settings hold, and a value that is also a
 * word of such a message (a `baseUrl` user name `user` or `https`) took that word out of core's own text:
 * the message came out garbled, and which word was gone told what the value was. Such an error is handed
 * on as it is. Held here, out of reach of other code: an outside factory cannot mark its own.
 */
const quotingNoValue = /* @__PURE__ */ new WeakSet<object>();

/** Marks `error` as built of fixed text and setting names, quoting no setting's value, and returns it. */
export function quotesNoValue<T extends object>(error: T): T {
  quotingNoValue.add(error);
  return error;
}

/** Whether core made `error` quoting no setting's value ({@link quotesNoValue}). */
export function quotesNoSettingValue(error: unknown): boolean {
  return typeof error === 'object' && error !== null && quotingNoValue.has(error);
}
