import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiKeys } from '../../src/api/auth/api-keys';
import { SCOPES } from '../../src/api/auth/scopes';
import { ensureDevApiKey, ensureDevEncryptionKeys } from '../../src/stack/dev-secrets';
import { parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';

describe('development secrets of npm start', () => {
  it('makes an API key with every scope once, secret and hash private, and keeps it across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orders-dev-secrets-'));
    const first = ensureDevApiKey(dir);
    expect(first.created).toBe(true);
    expect(statSync(first.secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(first.keysFile).mode & 0o777).toBe(0o600);
    expect(ApiKeys.fromFile(first.keysFile).authenticate(first.secret)).toEqual({ id: 'dev', scopes: [...SCOPES] });
    expect(ApiKeys.fromFile(first.keysFile).authenticate(`${first.secret}x`)).toBeUndefined();
    const again = ensureDevApiKey(dir);
    expect(again).toMatchObject({ created: false, secret: first.secret });
  });

  it('makes one encryption key and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orders-dev-secrets-'));
    const keys = ensureDevEncryptionKeys(dir);
    expect(parseEncryptionKeys(keys).current.key).toHaveLength(32);
    expect(statSync(join(dir, 'encryption-keys')).mode & 0o777).toBe(0o600);
    expect(ensureDevEncryptionKeys(dir)).toBe(keys);
  });
});
