import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { codecServer } from '../../src/codec-server/app';
import { AesGcmCodec } from '../../src/temporal/codec/aes-gcm-codec';
import { newEncryptionKeyEntry, parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';
import { payloadToJson } from '../../src/temporal/codec/payload-json';

const UI = 'http://127.0.0.1:8233';
const codec = new AesGcmCodec(parseEncryptionKeys(newEncryptionKeyEntry('k1')));

describe('codec server (remote codec protocol)', () => {
  it('decodes what the service encrypted, and encodes', async () => {
    const app = await codecServer({ codec, corsOrigins: [UI] });
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ paymentToken: 'tok_x' })]);
    const decoded = await app.inject({
      method: 'POST',
      url: '/decode',
      headers: { 'x-namespace': 'default' },
      payload: { payloads: [payloadToJson(encrypted!)] },
    });
    expect(decoded.statusCode).toBe(200);
    expect(Buffer.from(decoded.json().payloads[0].data, 'base64').toString()).toBe('{"paymentToken":"tok_x"}');
    const encoded = await app.inject({ method: 'POST', url: '/encode', payload: decoded.json() });
    expect(Buffer.from(encoded.json().payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect((await app.inject({ method: 'POST', url: '/decode', payload: { payloads: 'x' } })).statusCode).toBe(400);
  });

  it("answers the UI origin's preflight, and no other origin", async () => {
    const app = await codecServer({ codec, corsOrigins: [UI] });
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ok = await preflight(UI);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(UI);
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/x-namespace/);
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/authorization/);
    expect((await preflight('http://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('requires its bearer token when one is configured (outside loopback)', async () => {
    const app = await codecServer({ codec, corsOrigins: [UI], authToken: 'codec-secret' });
    const body = { payloads: [] };
    const without = await app.inject({ method: 'POST', url: '/decode', payload: body });
    expect(without.statusCode).toBe(401);
    expect(without.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(
      (await app.inject({ method: 'POST', url: '/decode', headers: { authorization: 'Bearer wrong' }, payload: body }))
        .statusCode,
    ).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/decode',
          headers: { authorization: 'Bearer codec-secret' },
          payload: body,
        })
      ).statusCode,
    ).toBe(200);
  });
});
