import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { METADATA_ENCODING_KEY, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/shared/order-contract';
import { AesGcmCodec, ENCRYPTED_ENCODING } from '../../src/temporal/codec/aes-gcm-codec';
import { parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';
import { PLAIN_HISTORY_FIELDS } from '../../src/temporal/codec/plain-fields';
import { setFaults, useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';

// Proof by bytes: Temporal stores no payment token and no address in plaintext. Real runs
// (completed, refused by the carrier, cancelled through the update) are read raw, as
// `temporal workflow show` or a database backup would see them, without the codec; then
// through the codec, to show the same secrets are there and the search could find them.

const isolated = useIsolatedStack('encryption');
const unique = () => randomBytes(6).toString('hex');

function secretOrder(postalCode: string) {
  const tag = unique();
  const order = sampleOrder({
    paymentToken: `tok_secret_${tag}`,
    shippingAddress: {
      name: `Ada ${tag}`,
      line1: `${tag} Cipher Road`,
      city: `Cryptville ${tag}`,
      postalCode,
      country: 'DE',
    },
  });
  const secrets = [
    order.paymentToken,
    order.shippingAddress.name,
    order.shippingAddress.line1,
    order.shippingAddress.city,
  ];
  return { order, secrets };
}

let raw: Client;
beforeAll(async () => {
  const connection = await Connection.connect({ address: isolated.stack.urls.temporal });
  raw = new Client({ connection }); // no codec: what anyone with access to Temporal gets
  afterAll(() => connection.close());
});

/** The run's history and description as stored, serialized to protobuf bytes. */
async function storedBytes(
  workflowId: string,
): Promise<{ bytes: Buffer; events: temporal.api.history.v1.IHistoryEvent[] }> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  const description = await raw.workflowService.describeWorkflowExecution({
    namespace: 'default',
    execution: { workflowId },
  });
  const bytes = Buffer.concat([
    temporal.api.history.v1.History.encode({ events }).finish(),
    temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse.encode(description).finish(),
  ]);
  return { bytes, events };
}

/** Paths of payloads in the history that are not encrypted, outside those fields. */
function plaintextPayloads(node: unknown, path = ''): string[] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((child, i) => plaintextPayloads(child, `${path}[${i}]`));
  const record = node as Record<string, unknown>;
  if (record.metadata && 'data' in record) {
    const encoding = Buffer.from(
      (record.metadata as Record<string, Uint8Array>)[METADATA_ENCODING_KEY] ?? [],
    ).toString();
    return encoding === ENCRYPTED_ENCODING ? [] : [path];
  }
  return Object.entries(record).flatMap(([key, child]) =>
    PLAIN_HISTORY_FIELDS.has(key) ? [] : plaintextPayloads(child, `${path}.${key}`),
  );
}

describe('no card data or address in plaintext in Temporal', () => {
  it('a completed order: inputs, results, memo, summaries', async () => {
    const { order, secrets } = secretOrder('10115');
    expect((await isolated.client.submit(order)).status).toBe(202);
    expect((await isolated.client.waitForOrder(order.orderId)).status).toBe('COMPLETED');
    const workflowId = workflowIdFor(order.orderId);
    const { bytes, events } = await storedBytes(workflowId);
    for (const secret of secrets) expect(bytes.includes(secret), secret).toBe(false);
    expect(plaintextPayloads(events)).toEqual([]);

    // The same history through the codec holds them: the search above could have failed.
    const codec = new AesGcmCodec(parseEncryptionKeys(isolated.stack.env.ENCRYPTION_KEYS!));
    const [input] = await codec.decode([events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!]);
    expect(defaultPayloadConverter.fromPayload(input!)).toMatchObject({
      paymentToken: order.paymentToken,
      shippingAddress: order.shippingAddress,
    });
  });

  it("an order the carrier refuses: the provider's failure message is encrypted too", async () => {
    const { order, secrets } = secretOrder('00000');
    await isolated.client.submit(order);
    expect((await isolated.client.waitForOrder(order.orderId)).status).toBe('FAILED');
    const { bytes, events } = await storedBytes(workflowIdFor(order.orderId));
    for (const secret of [...secrets, 'cannot deliver', 'postal code 00000'])
      expect(bytes.includes(secret), secret).toBe(false);
    expect(events.some((e) => e.activityTaskFailedEventAttributes?.failure?.encodedAttributes)).toBe(true);
    expect(plaintextPayloads(events)).toEqual([]);
  });

  it('an order cancelled through the API: update arguments and results', async () => {
    const { order, secrets } = secretOrder('10115');
    await setFaults(isolated.stack.urls.payments, { latencyMs: 1_500 });
    try {
      await isolated.client.submit(order);
      const reason = `reason-${unique()}`;
      const cancelled = await isolated.client.api(`/orders/${order.orderId}/cancel`, {
        method: 'POST',
        body: { reason },
      });
      expect(cancelled.body.status).toBe('CANCELLED');
      const { bytes, events } = await storedBytes(workflowIdFor(order.orderId));
      expect(events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(true);
      for (const secret of [...secrets, reason]) expect(bytes.includes(secret), secret).toBe(false);
      expect(plaintextPayloads(events)).toEqual([]);
    } finally {
      await setFaults(isolated.stack.urls.payments, {});
    }
  });
});

describe('request logs', () => {
  it('carry neither the bearer secret nor the token nor the address', async () => {
    const { order, secrets } = secretOrder('10115');
    await isolated.client.submit(order);
    await isolated.client.waitForOrder(order.orderId);
    await isolated.client.api(`/orders/${order.orderId}`, {
      headers: { authorization: `Bearer ${isolated.stack.apiKey!.secret}` },
    });
    const logs = join(__dirname, '..', 'artifacts', 'logs', 'encryption');
    const api = readFileSync(join(logs, 'api.log'), 'utf8');
    expect(api).toContain(order.orderId); // the request lines are there
    expect(api).toContain('"authorization":"[redacted]"');
    for (const secret of [isolated.stack.apiKey!.secret, ...secrets]) expect(api.includes(secret), secret).toBe(false);
    const worker = readFileSync(join(logs, 'worker.log'), 'utf8');
    for (const secret of secrets) expect(worker.includes(secret), secret).toBe(false);
  });
});
