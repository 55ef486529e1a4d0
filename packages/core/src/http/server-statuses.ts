/**
 * The 5xx statuses that say the server will not do the request however often it is asked: 501 (Not
 * Implemented), 505 (HTTP Version Not Supported), 506 (Variant Also Negotiates), 508 (Loop Detected), 510
 * (Not Extended), 511 (Network Authentication Required: a captive portal, not the vendor). Never retried by
 * default, and an error with one of them is not `isRetryable`. Every other 5xx is.
 */
export const permanentServerStatuses: readonly number[] = /* @__PURE__ */ Object.freeze([
  501, 505, 506, 508, 510, 511,
]);

/** Whether a 5xx status may pass: every one but the {@link permanentServerStatuses}. */
export function isPassingServerStatus(status: number): boolean {
  return status >= 500 && status <= 599 && !permanentServerStatuses.includes(status);
}
