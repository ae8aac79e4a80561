// The API keys a deployment accepts, from API_KEYS_FILE: JSON
// [{ "id", "secretSha256", "scopes", "customerId"? }]. Only hashes are stored; a presented
// secret is hashed and compared in constant time against every key, so neither a match's
// position nor a near-miss shows in the answer time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { secretsConfig } from '../../config/service';
import { SCOPES } from './scopes';

const apiKeySchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/),
    secretSha256: z.string().regex(/^[0-9a-f]{64}$/, 'secretSha256 must be 64 lowercase hex digits'),
    scopes: z.array(z.enum(SCOPES)).min(1),
    customerId: z
      .string()
      .regex(/^[A-Za-z0-9\-_.:]{1,64}$/)
      .optional(),
  })
  .strict();
const apiKeysFileSchema = z.array(apiKeySchema).min(1);

export type ApiKeyEntry = z.infer<typeof apiKeySchema>;
/** The caller, once authenticated: what the rest of the API sees (never the secret or its hash). */
export type ApiPrincipal = Omit<ApiKeyEntry, 'secretSha256'>;

export const sha256Hex = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export class ApiKeys {
  private readonly entries: { principal: ApiPrincipal; hash: Buffer }[];

  constructor(entries: ApiKeyEntry[]) {
    this.entries = entries.map(({ secretSha256, ...principal }) => ({
      principal,
      hash: Buffer.from(secretSha256, 'hex'),
    }));
  }

  static fromFile(path: string): ApiKeys {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      // Not the parser's message: it quotes the file's start, which may be a secret (a key
      // file mistaken for the list of hashes).
      const why = err instanceof SyntaxError ? 'not valid JSON' : err instanceof Error ? err.message : String(err);
      throw new Error(
        `API_KEYS_FILE ${path} cannot be read as JSON (${why}). ` +
          'Fix: point API_KEYS_FILE at a JSON list of keys (docs/security.md), or leave it unset under npm start, which makes a development key.',
      );
    }
    const parsed = apiKeysFileSchema.safeParse(content);
    if (!parsed.success)
      throw new Error(
        `API_KEYS_FILE ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return new ApiKeys(parsed.data);
  }

  /** The key whose secret this is, or undefined. */
  authenticate(secret: string): ApiPrincipal | undefined {
    const presented = createHash('sha256').update(secret, 'utf8').digest();
    let found: ApiPrincipal | undefined;
    for (const entry of this.entries) if (timingSafeEqual(presented, entry.hash)) found = entry.principal;
    return found;
  }
}

export function apiKeysFromEnv(env?: NodeJS.ProcessEnv): ApiKeys {
  const { apiKeysFile } = secretsConfig(env);
  if (!apiKeysFile)
    throw new Error('API_KEYS_FILE is not set: every /orders route needs a key (npm start creates a development key)');
  return ApiKeys.fromFile(apiKeysFile);
}
