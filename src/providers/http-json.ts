import { ProviderError } from './provider-error';

// One POST with an Idempotency-Key, shared by the sandbox provider clients. Node's fetch
// (undici) keeps connections alive between calls.

export interface IdempotentPost {
  baseUrl: string;
  path: string;
  idempotencyKey: string;
  body: unknown;
  timeoutMs: number;
}

export async function postIdempotent<T>({ baseUrl, path, idempotencyKey, body, timeoutMs }: IdempotentPost): Promise<T> {
  const url = new URL(path, baseUrl);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    // Timeout or dropped connection: the provider may or may not have committed. Retrying
    // with the same key is what makes this safe.
    throw new ProviderError(`POST ${url.pathname} got no response: ${(err as Error).message}`, 'transient');
  }
  if (response.ok) return JSON.parse(text) as T;
  const message = `POST ${url.pathname} answered ${response.status}: ${errorMessage(text)}`;
  throw new ProviderError(message, kindOf(response.status), response.status);
}

function kindOf(status: number): ProviderError['kind'] {
  if (status === 402) return 'declined';
  if (status === 422) return 'idempotency-mismatch';
  if (status === 409 || status === 408 || status === 429 || status >= 500) return 'transient';
  return 'rejected';
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return parsed.error?.message ?? text;
  } catch {
    return text.slice(0, 200);
  }
}
