// RFC 7240 `Prefer: wait=<seconds>`: how long a client is willing to wait for the payment
// decision. Preferences are hints: a malformed header is ignored, a longer wait is capped.

export const MAX_WAIT_S = 30;

/** The `wait` preference in seconds (capped at MAX_WAIT_S), or undefined if none is usable. */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const preference of values.flatMap((v) => v.split(','))) {
    const match = /^\s*wait\s*=\s*"?(\d{1,9})"?\s*(;.*)?$/i.exec(preference);
    if (match) return Math.min(Number(match[1]), MAX_WAIT_S);
  }
  return undefined;
}
