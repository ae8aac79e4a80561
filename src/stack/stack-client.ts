import { Client, Connection } from '@temporalio/client';
import { encryptingDataConverter } from '../temporal/codec/data-converter';
import { parseEncryptionKeys } from '../temporal/codec/encryption-keys';
import type { Stack } from './stack';

/**
 * A Temporal client of a stack's server that reads and writes its runs' payloads with the
 * stack's encryption keys, for the tools that drive a scratch stack. Close it with `close`.
 */
export async function stackClient(stack: Stack): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: stack.urls.temporal });
  const client = new Client({
    connection,
    dataConverter: encryptingDataConverter(parseEncryptionKeys(stack.env.ENCRYPTION_KEYS!)),
  });
  return { client, close: () => connection.close() };
}
