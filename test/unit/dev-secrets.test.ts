import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeys } from '../../src/api/auth/api-keys';
import { SCOPES } from '../../src/api/auth/scopes';
import { ensureDevApiKey, ensureDevEncryptionKeys } from '../../src/stack/dev-secrets';
import { parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';

describe('development secrets of npm start', () => {
  // The keys made here are real secrets in form: none is left behind in the temp folder.
  const dirs: string[] = [];
  const scratchDir = () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'orders-dev-secrets-')));
    return dirs.at(-1)!;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('makes an API key with every scope once, secret and hash private, and keeps it across restarts', () => {
    const dir = scratchDir();
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
    const dir = scratchDir();
    const keys = ensureDevEncryptionKeys(dir);
    expect(parseEncryptionKeys(keys).current.key).toHaveLength(32);
    expect(statSync(join(dir, 'encryption-keys')).mode & 0o777).toBe(0o600);
    expect(ensureDevEncryptionKeys(dir)).toBe(keys);
  });
});
