// ENCRYPTION_KEYS: comma-separated `id:base64key` entries (AES-256: 32 bytes each). The
// first entry encrypts; every entry decrypts, so a new key goes first and old ones stay
// until no retained history still needs them (rotation).
import { randomBytes } from 'node:crypto';
import { secretsConfig } from '../../config/service';

export interface EncryptionKeys {
  /** The key new payloads are encrypted with. */
  current: { id: string; key: Buffer };
  /** Every key that may have encrypted a stored payload, by ID. */
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function parseEncryptionKeys(value: string): EncryptionKeys {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      const id = entry.slice(0, at);
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      if (at < 1 || !KEY_ID.test(id))
        throw new Error(`ENCRYPTION_KEYS: "${id || entry.slice(0, 8)}" is not a key ID (1-64 of letters, digits, ._-)`);
      if (key.length !== 32)
        throw new Error(`ENCRYPTION_KEYS: key ${id} must be 32 bytes of base64, got ${key.length}`);
      return [id, key] as const;
    });
  if (entries.length === 0) throw new Error('ENCRYPTION_KEYS is empty: give at least one id:base64key');
  const byId = new Map(entries);
  if (byId.size !== entries.length) throw new Error('ENCRYPTION_KEYS: a key ID appears twice');
  const [id, key] = entries[0]!;
  return { current: { id, key }, byId };
}

/** The keys every process of the service uses; refuses to run without them. */
export function encryptionKeysFromEnv(env?: NodeJS.ProcessEnv): EncryptionKeys {
  const value = secretsConfig(env).encryptionKeys;
  if (!value)
    throw new Error(
      'ENCRYPTION_KEYS is not set: payloads in Temporal are encrypted (npm start generates a development key into .data/)',
    );
  return parseEncryptionKeys(value);
}

/** A fresh `id:base64key` entry for ENCRYPTION_KEYS. */
export function newEncryptionKeyEntry(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
