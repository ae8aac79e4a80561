// Development secrets for `npm start` and the test/tool stacks, created once in the data
// folder (mode 0600) and reused on restart: an API key with every scope, and the payload
// encryption key. Production supplies its own (docs/security.md).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../api/auth/api-keys';
import { secretsConfig } from '../config/service';
import { SCOPES } from '../api/auth/scopes';
import { newEncryptionKeyEntry } from '../temporal/codec/encryption-keys';
import { localDataDir } from './stack';

const PRIVATE = { mode: 0o600 } as const;

export interface DevApiKey {
  keysFile: string;
  /** Where the secret is kept (mode 0600). */
  secretFile: string;
  secret: string;
  /** True when this call made it (the launcher then prints it, once). */
  created: boolean;
}

export function ensureDevApiKey(dataDir: string): DevApiKey {
  const secretFile = join(dataDir, 'api-key');
  const keysFile = join(dataDir, 'api-keys.json');
  if (existsSync(secretFile) && existsSync(keysFile))
    return { keysFile, secretFile, secret: readFileSync(secretFile, 'utf8').trim(), created: false };
  const secret = `dev_${randomBytes(32).toString('base64url')}`;
  writeFileSync(
    keysFile,
    `${JSON.stringify([{ id: 'dev', secretSha256: sha256Hex(secret), scopes: SCOPES }], null, 2)}\n`,
    PRIVATE,
  );
  writeFileSync(secretFile, `${secret}\n`, PRIVATE);
  return { keysFile, secretFile, secret, created: true };
}

/** ENCRYPTION_KEYS for a stack without one: a development key kept in the data folder. */
export function ensureDevEncryptionKeys(dataDir: string): string {
  const file = join(dataDir, 'encryption-keys');
  if (!existsSync(file)) writeFileSync(file, `${newEncryptionKeyEntry(`dev-${Date.now().toString(36)}`)}\n`, PRIVATE);
  return readFileSync(file, 'utf8').trim();
}

/**
 * ENCRYPTION_KEYS for a tool run against a stack (`npm run audit`, `npm run reconcile`): the
 * environment's, else those `npm start` keeps in its data folder.
 */
export function localEncryptionKeys(): string {
  return secretsConfig().encryptionKeys ?? readFileSync(join(localDataDir(), 'encryption-keys'), 'utf8').trim();
}
