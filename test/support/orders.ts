import { inject } from 'vitest';
import { isTerminal, type OrderStatus } from '../../src/shared/order-state';
import { apiFetch } from '../../src/stack/api-client';
import type { Stack } from '../../src/stack/stack';

// Helpers for tests that drive a real API and audit the real sandbox ledgers.

/**
 * API calls (with the stack's API key unless `headers` say otherwise) and ledger reads
 * against one stack: the shared one unless another is given.
 */
export function ordersClient(urls: Stack['urls'] = inject('stack'), apiKey: string = inject('apiKey')) {
  async function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const response = await apiFetch({ url: urls.api, key: apiKey }, path, {
      method: init.method ?? 'GET',
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  const submit = (order: unknown) => api('/orders', { method: 'POST', body: order });
  const cancel = (orderId: string) => api(`/orders/${orderId}/cancel`, { method: 'POST' });

  /** Polls the order view until `until` holds for its status (default: terminal). */
  async function waitForOrder(
    orderId: string,
    until: (status: OrderStatus) => boolean = isTerminal,
    timeoutMs = 45_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await api(`/orders/${orderId}`);
      if (status === 200 && until(body.status)) return body;
      if (Date.now() > deadline)
        throw new Error(`order ${orderId} still ${body?.status ?? status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The sandbox ledgers for one order, as an auditor reads them. */
  async function ledger(orderId: string) {
    const get = async (base: string, path: string) =>
      ((await (await fetch(`${base}${path}?orderId=${encodeURIComponent(orderId)}`)).json()) as { data: any[] }).data;
    const [charges, refunds, shipments] = await Promise.all([
      get(urls.payments, '/v1/charges'),
      get(urls.payments, '/v1/refunds'),
      get(urls.shipping, '/v1/shipments'),
    ]);
    return { charges, refunds, shipments };
  }

  return { urls, api, submit, cancel, waitForOrder, ledger };
}
