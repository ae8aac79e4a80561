// How tests and tools call a stack's API: every request carries the bearer key, so no
// caller has to remember it.
export interface ApiTarget {
  /** Base URL of the API. */
  url: string;
  /** The bearer secret. */
  key: string;
}

export function apiFetch(target: ApiTarget, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${target.key}`);
  return fetch(`${target.url}${path}`, { ...init, headers });
}

/** The stack's API with the development key it made. */
export function stackApi(stack: { urls: { api: string }; apiKey?: { secret: string } }): ApiTarget {
  if (!stack.apiKey) throw new Error('this stack was started with API_KEYS_FILE: the tools need the key it made');
  return { url: stack.urls.api, key: stack.apiKey.secret };
}
