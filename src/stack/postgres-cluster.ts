import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ChildSpec, exitWithParent } from './child-process';

// A private PostgreSQL cluster for the Temporal server: its files in <dataDir>/postgres,
// TCP on 127.0.0.1 only, its Unix socket inside the cluster's own folder (mode 0700), and
// one login role for Temporal with a password. PostgreSQL refuses to run as root, so when
// we are root every PostgreSQL program runs as the `postgres` user Debian's package creates.

const run = promisify(execFile);
const POSTGRES_USER = 'postgres';
const asRoot = process.getuid?.() === 0;

export interface PostgresCluster {
  /** Debian's server binaries, e.g. /usr/lib/postgresql/15/bin. */
  bin: string;
  /** <dataDir>/postgres: holds `data/` and the Unix socket. */
  dir: string;
  port: number;
  user: string;
  password: string;
}

const wrap = (command: string, args: string[], signal?: 'TERM' | 'INT') =>
  exitWithParent(command, args, { signal, asUser: asRoot ? POSTGRES_USER : undefined });

async function runAsPostgres(cluster: PostgresCluster, program: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const { command, args: full } = wrap(join(cluster.bin, program), args);
  return run(command, full, { env: { ...process.env, ...env }, timeout: 60_000 });
}

/** Creates the cluster's files once (initdb); an existing cluster is kept as it is. */
export async function initCluster(cluster: PostgresCluster): Promise<void> {
  if (existsSync(join(cluster.dir, 'data', 'PG_VERSION'))) return;
  mkdirSync(cluster.dir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    chownSync(cluster.dir, ...postgresIds());
    // The postgres user must be able to reach its folder: let it pass through (not list) the parent.
    const parent = join(cluster.dir, '..');
    chmodSync(parent, statSync(parent).mode | 0o111);
  }
  // Local (socket) connections need no password: only the postgres user and root can reach
  // the socket in the 0700 folder. TCP needs the role's password (SCRAM).
  await runAsPostgres(cluster, 'initdb', [
    '-D',
    join(cluster.dir, 'data'),
    '-U',
    POSTGRES_USER,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]).catch((err: Error & { stderr?: string }) => {
    throw new Error(`initdb of ${cluster.dir} failed: ${err.stderr || err.message}`);
  });
}

/** The server in the foreground, as a child of the stack. */
export function postgresChild(cluster: PostgresCluster): ChildSpec {
  const args = [
    '-D',
    join(cluster.dir, 'data'),
    '-p',
    String(cluster.port),
    '-k',
    cluster.dir,
    '-c',
    'listen_addresses=127.0.0.1',
    // Each Temporal service (frontend, history, matching, worker) keeps pools of its own (up
    // to 30 connections each, deploy/temporal/server.yaml): more than the default 100.
    '-c',
    'max_connections=200',
  ];
  return {
    name: 'postgres',
    ...wrap(join(cluster.bin, 'postgres'), args, 'INT'),
    stopSignal: 'SIGINT',
    ready: async () =>
      await runAsPostgres(cluster, 'pg_isready', ['-h', '127.0.0.1', '-p', String(cluster.port)]).then(() => true),
  };
}

/**
 * Creates Temporal's login role on a new cluster, then proves the password works over TCP
 * as the server will use it. A cluster made with another password is not changed: the
 * launcher stops with what to do instead.
 */
export async function ensureTemporalRole(cluster: PostgresCluster): Promise<void> {
  const psql = (sql: string) =>
    runAsPostgres(cluster, 'psql', [
      '-h',
      cluster.dir,
      '-p',
      String(cluster.port),
      '-U',
      POSTGRES_USER,
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-tAc',
      sql,
    ]);
  const ident = `"${cluster.user.replaceAll('"', '""')}"`;
  const { stdout } = await psql(`SELECT 1 FROM pg_roles WHERE rolname = '${cluster.user.replaceAll("'", "''")}'`);
  if (stdout.trim() !== '1')
    await psql(`CREATE ROLE ${ident} LOGIN CREATEDB PASSWORD '${cluster.password.replaceAll("'", "''")}'`);
  try {
    await runAsPostgres(
      cluster,
      'psql',
      ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', cluster.user, '-d', 'postgres', '-w', '-tAc', 'SELECT 1'],
      { PGPASSWORD: cluster.password },
    );
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || String(err);
    if (/password authentication failed/.test(detail)) {
      throw new Error(
        `PostgreSQL in ${cluster.dir} refused user "${cluster.user}" with the password from POSTGRES_PASSWORD (or the default "temporal"): ` +
          'the cluster was created with another one. Fix: set POSTGRES_PASSWORD to the password it was created with, or delete that folder to start from scratch (its orders are lost).',
      );
    }
    throw new Error(`could not connect to PostgreSQL on 127.0.0.1:${cluster.port} as "${cluster.user}": ${detail}`);
  }
}

/** uid and gid of the postgres user (Debian's package creates it). */
function postgresIds(): [number, number] {
  try {
    return [
      Number(execFileSync('id', ['-u', POSTGRES_USER], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', POSTGRES_USER], { encoding: 'utf8' })),
    ];
  } catch {
    throw new Error(
      `there is no "${POSTGRES_USER}" user to run PostgreSQL as (it refuses root). Fix: install Debian's postgresql package (npm run setup -- --postgres).`,
    );
  }
}
