import { orderSchema } from '../shared/order-schema';
import { apiFetch, type ApiTarget } from '../stack/api-client';

// What to do with one message of `orders`, decided the way an HTTP client would: the API
// (and behind it Temporal's workflow-ID dedup) is the only judge of "new" or "duplicate".

export type Verdict =
  /** Started, or refused as a duplicate of the same body: commit the offset. */
  | { kind: 'done'; status: number }
  /** Will never succeed as sent: to the DLQ with the reason, then commit. */
  | { kind: 'reject'; reason: string; status?: number }
  /** May succeed later (API or Temporal down, rate limited, bad key): retry, commit nothing. */
  | { kind: 'retry'; reason: string };

// 400 invalid, 409 conflicting body, 413 too large: the same message gets the same answer.
const REJECTED = new Set([400, 409, 413, 415]);

/** Parses and validates locally first: a malformed message needs no round trip. */
export function parseMessage(key: string | undefined, value: Buffer | null): { order: unknown } | { reason: string } {
  if (!value) return { reason: 'invalid: empty value' };
  let body: unknown;
  try {
    body = JSON.parse(value.toString('utf8'));
  } catch {
    return { reason: 'invalid: value is not JSON' };
  }
  const parsed = orderSchema.safeParse(body);
  if (!parsed.success)
    return {
      reason: `invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    };
  // The key routes an order's messages to one partition; a different one means a producer bug.
  if (key !== undefined && key !== parsed.data.orderId)
    return { reason: `invalid: key ${key} is not the orderId ${parsed.data.orderId}` };
  // The body as sent: the API computes the fingerprint over its own parse, as for HTTP.
  return { order: body };
}

export async function submitOrder(api: ApiTarget, order: unknown, timeoutMs = 30_000): Promise<Verdict> {
  let response: Response;
  try {
    response = await apiFetch(api, '/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return {
      kind: 'retry',
      reason: `API unreachable: ${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}`,
    };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return { kind: 'done', status: response.status };
  const detail = problemDetail(text) ?? response.statusText;
  if (REJECTED.has(response.status))
    return {
      kind: 'reject',
      status: response.status,
      reason: `${response.status === 409 ? 'conflict' : 'invalid'}: ${detail}`,
    };
  return { kind: 'retry', reason: `API answered ${response.status}: ${detail}` };
}

function problemDetail(text: string): string | undefined {
  try {
    const problem = JSON.parse(text) as { detail?: unknown };
    return typeof problem.detail === 'string' ? problem.detail : undefined;
  } catch {
    return undefined;
  }
}
