import { request } from 'undici';
import { ProviderError } from './provider-error';

// One POST with an Idempotency-Key, shared by the sandbox provider clients. undici's
// request() keeps connections alive between calls (its global pooled Agent) and costs the
// worker less CPU per call than fetch(), which wraps the same client in web streams.

export interface IdempotentPost {
  baseUrl: string;
  path: string;
  idempotencyKey: string;
  body: unknown;
  timeoutMs: number;
}

export async function postIdempotent<T>({ baseUrl, path, idempotencyKey, body, timeoutMs }: IdempotentPost): Promise<T> {
  const url = new URL(path, baseUrl);
  let status: number;
  let text: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
      // One limit on the whole call (connect, headers, body), under the activity's own timeout.
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (err) {
    // Timeout or dropped connection: the provider may or may not have committed. Retrying
    // with the same key is what makes this safe.
    throw new ProviderError(`POST ${url.pathname} got no response: ${(err as Error).message}`, 'transient');
  }
  if (status >= 200 && status < 300) return JSON.parse(text) as T;
  const error = providerError(text);
  throw new ProviderError(`POST ${url.pathname} answered ${status}: ${error.message}`, kindOf(status, error.type));
}

/**
 * Only the provider's own refusals are final. A 4xx without the provider's error body (a
 * proxy's 404, a wrong base URL) is treated as transient: retried, visible in the UI, and
 * fixed by configuration rather than failing every order.
 */
function kindOf(status: number, errorType: string | undefined): ProviderError['kind'] {
  if (status === 402) return 'declined';
  if (status === 422) return 'idempotency-mismatch';
  if (status >= 400 && status < 500 && ![408, 409, 429].includes(status) && errorType) return 'rejected';
  return 'transient';
}

function providerError(text: string): { type?: string; message: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { type?: string; message?: string } };
    return { type: parsed.error?.type, message: parsed.error?.message ?? text };
  } catch {
    return { message: text.slice(0, 200) };
  }
}
