import { request } from 'undici';
import type { z } from 'zod';
import type { ProviderAnswer } from './provider-answer';
import { FINAL_REFUSALS, ProviderError } from './provider-error';

// HTTP with JSON for the sandbox provider clients: one POST with an Idempotency-Key, and
// GETs of the ledger. undici's request() keeps connections alive between calls (its global
// pooled Agent) and costs the worker less CPU per call than fetch().

interface Endpoint<S extends z.ZodType> {
  baseUrl: string;
  path: string;
  timeoutMs: number;
  /** The answer's shape: anything else is not trusted as an outcome. */
  schema: S;
}

export async function postIdempotent<S extends z.ZodType>(
  call: Endpoint<S> & { idempotencyKey: string; body: unknown },
): Promise<ProviderAnswer<z.infer<S>>> {
  const { status, text, replayed, url } = await send('POST', call, {
    headers: { 'content-type': 'application/json', 'idempotency-key': call.idempotencyKey },
    body: JSON.stringify(call.body),
  });
  if (status >= 200 && status < 300) return { value: parse(call.schema, text, url), replayed };
  throw refusal('POST', url, status, text);
}

/** GET of a ledger resource; null when the provider says it has no such resource. */
export async function getJson<S extends z.ZodType>(call: Endpoint<S>): Promise<z.infer<S> | null> {
  const { status, text, url } = await send('GET', call, {});
  if (status >= 200 && status < 300) return parse(call.schema, text, url);
  const error = providerError(text);
  if (status === 404 && error.type === 'resource_missing') return null;
  throw refusal('GET', url, status, text);
}

async function send(
  method: 'GET' | 'POST',
  { baseUrl, path, timeoutMs }: Endpoint<z.ZodType>,
  init: { headers?: Record<string, string>; body?: string },
) {
  const url = new URL(path, baseUrl);
  try {
    const response = await request(url, {
      method,
      ...init,
      // One limit on the whole call (connect, headers, body), under the activity's own timeout.
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.body.text();
    return { status: response.statusCode, text, replayed: response.headers['idempotent-replayed'] === 'true', url };
  } catch (err) {
    // Timeout or dropped connection: the provider may or may not have committed. Retrying
    // with the same key, after looking the ledger up, is what makes this safe.
    throw new ProviderError(`${method} ${url.pathname} got no response: ${(err as Error).message}`, 'transient');
  }
}

function parse<S extends z.ZodType>(schema: S, text: string, url: URL): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  // Not the provider we think we are talking to (a proxy, a wrong URL): retried and visible.
  if (!parsed.success) throw new ProviderError(`${url.pathname} answered with an unreadable body`, 'transient');
  return parsed.data;
}

function refusal(method: string, url: URL, status: number, text: string): ProviderError {
  const error = providerError(text);
  const message = `${method} ${url.pathname} answered ${status}: ${error.message}`;
  return new ProviderError(message, kindOf(status, error.type), { status, type: error.type, reason: error.message });
}

/** Only the provider's named refusals are final; see FINAL_REFUSALS. */
function kindOf(status: number, errorType: string | undefined): ProviderError['kind'] {
  if (status === 422 && errorType === 'idempotency_error') return 'key-reused';
  if (status >= 400 && status < 500 && errorType && FINAL_REFUSALS.has(errorType))
    return status === 402 ? 'declined' : 'rejected';
  return 'transient';
}

function providerError(text: string): { type?: string; message: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { type?: string; message?: string } };
    return { type: parsed.error?.type, message: parsed.error?.message ?? text.slice(0, 200) };
  } catch {
    return { message: text.slice(0, 200) };
  }
}
