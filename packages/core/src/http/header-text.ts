/**
 * Whether an HTTP header can carry `name: value` as fetch sends it: `value` an RFC 9110 field-value (tab,
 * space, visible ASCII and obs-text; no CR, LF, NUL or character beyond U+00FF, which fetch refuses with a
 * bare TypeError) and `name` an RFC 9110 token. One rule for the HTTP layer, which checks every attempt's
 * headers, and for credential headers built at a factory, checked there.
 */
export function isSendableHeader(name: string, value: unknown): value is string {
  return typeof value === 'string' && headerValue.test(value) && headerName.test(name);
}

const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/;
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The refusal's words for a header {@link isSendableHeader} refuses, shared by its two callers. */
export function unsendableHeaderMessage(provider: string, name: string): string {
  return `${provider}: the configured credentials cannot be sent: the ${name} header would carry control characters or characters beyond Latin-1`;
}

/** The issue of that refusal, at the header's name. */
export const unsendableHeaderIssue = 'expected only characters an HTTP header can carry';
