// Time to a payment decision as a checkout page sees it: `Prefer: wait` (one round trip,
// Update-with-Start) against POST then polling GET every 50 ms, on the same stack in the
// same run.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Order } from '../src/shared/order-schema';
import { type ApiTarget, apiFetch } from '../src/stack/api-client';
import { mapLimit } from './map-limit';

const POLL_MS = 50;

async function json(response: Response): Promise<{ status: string }> {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}`);
  return (await response.json()) as { status: string };
}

/** Milliseconds from the first byte sent until the client knows the payment's fate. */
async function waited(api: ApiTarget, body: Order): Promise<number> {
  const t0 = performance.now();
  const view = await json(
    await apiFetch(api, '/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=30' },
      body: JSON.stringify(body),
    }),
  );
  if (view.status === 'PENDING') throw new Error(`order ${body.orderId}: the wait ran out`);
  return performance.now() - t0;
}

async function polled(api: ApiTarget, body: Order): Promise<{ ms: number; gets: number }> {
  const t0 = performance.now();
  let view = await json(
    await apiFetch(api, '/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  let gets = 0;
  while (view.status === 'PENDING') {
    await sleep(POLL_MS);
    view = await json(await apiFetch(api, `/orders/${body.orderId}`));
    gets++;
  }
  return { ms: performance.now() - t0, gets };
}

export async function measureCheckout(
  api: ApiTarget,
  orders: (i: number, variant: string) => Order,
  count: number,
  concurrency: number,
  percentile: (v: number[], p: number) => number,
  /** Called as each order's payment is decided, for a progress display. */
  decided: () => void,
) {
  const waitedMs: number[] = [];
  await mapLimit(Array.from({ length: count }), concurrency, async (_, i) => {
    waitedMs.push(await waited(api, orders(i, 'waited')));
    decided();
  });
  const polledMs: number[] = [];
  let gets = 0;
  await mapLimit(Array.from({ length: count }), concurrency, async (_, i) => {
    const result = await polled(api, orders(i, 'polled'));
    polledMs.push(result.ms);
    gets += result.gets;
    decided();
  });
  const summary = (ms: number[]) => ({ p50: Math.round(percentile(ms, 50)), p99: Math.round(percentile(ms, 99)) });
  return {
    orders: count,
    pollMs: POLL_MS,
    preferWaitMs: summary(waitedMs),
    postThenPollMs: summary(polledMs),
    getsPerPolledOrder: Number((gets / count).toFixed(1)),
  };
}
