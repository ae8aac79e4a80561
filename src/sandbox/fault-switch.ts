import type { Faults } from './faults';

/**
 * Sets the faults a running sandbox provider injects (PUT /v1/faults, provider-app.ts); `{}`
 * turns them off. The one client of that route for tests, bench and scripts: each decides
 * itself what a failed answer means (throw, retry, ignore), so the response is returned.
 */
export function putFaults(providerUrl: string, faults: Faults, signal?: AbortSignal): Promise<Response> {
  return fetch(`${providerUrl}/v1/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
    signal,
  });
}
