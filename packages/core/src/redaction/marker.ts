/** What every hidden stretch of text becomes. */
export const redactedMarker = '[REDACTED]';
