import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The programs of the production engine: PostgreSQL from Debian and the Temporal server,
// temporal-sql-tool and UI server built from pinned Go modules. scripts/setup-postgres-engine.mjs
// installs or builds what is missing (a no-op once done) and writes where each one is.

export interface EngineTools {
  postgresBin: string;
  'temporal-server': string;
  'temporal-sql-tool': string;
  'temporal-ui': string;
}

/** Installs or builds what is missing; throws the setup's own message (cause and fix) if it cannot. */
export function ensureEngineTools(root: string): EngineTools {
  try {
    // Its progress (apt, the Go build) goes to our stderr: the first run takes minutes.
    execFileSync(process.execPath, [join(root, 'scripts', 'setup-postgres-engine.mjs')], {
      stdio: ['ignore', process.stderr, 'pipe'],
      encoding: 'utf8',
    });
  } catch (err) {
    // Its own verdict is on the `[setup]` lines; above them may be pages of compiler output.
    const lines = String((err as { stderr?: string }).stderr ?? '')
      .trim()
      .split('\n');
    const verdict = lines.filter((line) => line.startsWith('[setup]')).join('\n') || lines.slice(-20).join('\n');
    throw new Error(verdict || `scripts/setup-postgres-engine.mjs failed: ${(err as Error).message}`);
  }
  return JSON.parse(readFileSync(join(root, '.tools', 'temporal-engine', 'paths.json'), 'utf8')) as EngineTools;
}
