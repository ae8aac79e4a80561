// The data converters of the service's Temporal clients and workers (API, worker, history
// tools, tests): payloads encrypted with ENCRYPTION_KEYS.
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec';
import { type EncryptionKeys, encryptionKeysFromEnv } from './encryption-keys';

/** The compiled failure converter; the SDK requires it by path (the workflow bundle includes it). */
export const failureConverterPath = join(__dirname, 'failure-converter');

/**
 * For processes that write to Temporal (API, worker, tools run from dist/): failure
 * messages are encrypted too.
 */
export function encryptingDataConverter(keys: EncryptionKeys = encryptionKeysFromEnv()): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(keys)], failureConverterPath };
}

/**
 * For readers that run from TypeScript sources (tests, replay), where the SDK cannot
 * require the failure converter: decoding needs only the codec, since the default failure
 * converter decodes encrypted messages by itself.
 */
export function decodingDataConverter(keys: EncryptionKeys = encryptionKeysFromEnv()): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(keys)] };
}
