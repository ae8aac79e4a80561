import { METADATA_ENCODING_KEY, defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/temporal/codec/aes-gcm-codec';
import { newEncryptionKeyEntry, parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';

const order = { paymentToken: 'tok_secret_42', shippingAddress: { line1: '7 Hidden Lane' } };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('AES-256-GCM payload codec', () => {
  const oldKey = newEncryptionKeyEntry('2026-01');
  const newKey = newEncryptionKeyEntry('2026-06');

  it('encrypts the whole payload and names its key', async () => {
    const codec = new AesGcmCodec(parseEncryptionKeys(oldKey));
    const [encrypted] = await new AesGcmCodec(parseEncryptionKeys(oldKey)).encode([
      defaultPayloadConverter.toPayload(order),
    ]);
    expect(text(encrypted!.metadata![METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe('2026-01');
    expect(Buffer.from(encrypted!.data!).includes('tok_secret_42')).toBe(false);
    expect(Buffer.from(encrypted!.data!).includes('json/plain')).toBe(false);
    const [decoded] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(order);
    // Encoding twice changes nothing (the history script relies on it).
    expect(await codec.encode([encrypted!])).toEqual([encrypted]);
  });

  it('rotates: after a new key goes first, old payloads still decrypt and new ones use the new key', async () => {
    const [old] = await new AesGcmCodec(parseEncryptionKeys(oldKey)).encode([defaultPayloadConverter.toPayload(order)]);
    const rotated = new AesGcmCodec(parseEncryptionKeys(`${newKey},${oldKey}`));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(order);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(order)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('2026-06');
    // Once the old key is dropped, what it encrypted can no longer be read.
    await expect(new AesGcmCodec(parseEncryptionKeys(newKey)).decode([old!])).rejects.toThrow(/unknown key "2026-01"/);
  });

  it('refuses a tampered payload or a swapped key ID', async () => {
    const codec = new AesGcmCodec(parseEncryptionKeys(`${newKey},${oldKey}`));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(order)]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow();
    const swapped = { ...encrypted!, metadata: { ...encrypted!.metadata, [KEY_ID_METADATA]: Buffer.from('2026-01') } };
    await expect(codec.decode([swapped])).rejects.toThrow();
  });

  it('rejects malformed ENCRYPTION_KEYS', () => {
    expect(() => parseEncryptionKeys('')).toThrow(/empty/);
    expect(() => parseEncryptionKeys('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseEncryptionKeys(`${oldKey},${oldKey}`)).toThrow(/twice/);
  });
});
