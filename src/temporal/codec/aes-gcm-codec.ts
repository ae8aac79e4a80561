// The payload codec: AES-256-GCM over the whole serialized Payload (data and metadata, so
// the encoding of the plaintext is hidden too), as in Temporal's encryption sample. Each
// encrypted payload names its key in metadata; the key ID is authenticated as well.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { EncryptionKeys } from './encryption-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (value: string) => new TextEncoder().encode(value);
const text = (value: Uint8Array | null | undefined) => (value ? new TextDecoder().decode(value) : undefined);

export const isEncrypted = (payload: Payload): boolean =>
  text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? payload : this.encrypt(payload)));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keys.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(utf8(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) }, data };
  }

  private decrypt(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = id === undefined ? undefined : this.keys.byId.get(id);
    if (!key) throw new Error(`payload encrypted with unknown key "${id}": add it to ENCRYPTION_KEYS`);
    const data = Buffer.from(payload.data ?? []);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES)).setAAD(utf8(id!));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
