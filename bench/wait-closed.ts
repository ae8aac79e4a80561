import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `count` workflows matching `query` are closed, by the time `deadline` (epoch ms);
 * polls visibility every 500 ms (each count scans it, so not more often), telling `polled`
 * each count. Returns the time the last one was seen closed.
 */
export async function waitClosed(
  client: Client,
  query: string,
  count: number,
  deadline: number,
  polled: (closed: number) => void = () => {},
): Promise<number> {
  while (Date.now() < deadline) {
    const { count: closed } = await client.workflow.count(`${query} AND ExecutionStatus != 'Running'`);
    polled(closed);
    if (closed >= count) return Date.now();
    await sleep(500);
  }
  throw new Error(`deadline passed before ${count} workflows closed (${query})`);
}
