import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresPassword } from '../config/launcher';
import { type ChildSpec, exitWithParent, httpOk } from './child-process';
import { ensureEngineTools } from './engine-tools';
import { ensureTemporalRole, initCluster, type PostgresCluster, postgresChild } from './postgres-cluster';
import { isServing } from './temporal-cli';

// The production engine (`npm start -- --temporal postgres`): PostgreSQL, the Temporal
// server and the Temporal UI server, set up by the same files docker-compose.yml mounts:
// deploy/temporal/server.yaml (the server's configuration, filled in from the environment),
// setup-postgres.sh (databases and schema), create-namespace.sh (namespace, retention,
// search attributes) and dynamicconfig/.

const run = promisify(execFile);

/** One part of the engine: a child process, with steps before it starts and once it is ready. */
export interface EnginePart {
  spec: ChildSpec;
  beforeStart?: () => Promise<void>;
  afterStart?: () => Promise<void>;
}

export interface PostgresEngineOptions {
  root: string;
  dataDir: string;
  /** The Temporal CLI (health checks, namespace script). */
  cli: string;
  /** `codec`: the codec server the UI server points at. */
  ports: { postgres: number; temporal: number; temporalUi: number; codec: number };
  namespace: string;
  retention: string;
}

/**
 * The server's ports, a block from the frontend's gRPC port: the other services
 * (history, matching, worker) and their membership ports are internal but still bound, so
 * they must not meet another stack's (see freePortBlock).
 */
export const TEMPORAL_SERVER_PORT_COUNT = 9;
function serverPortEnv(grpc: number): NodeJS.ProcessEnv {
  const names = [
    'FRONTEND_GRPC_PORT',
    'FRONTEND_HTTP_PORT',
    'HISTORY_GRPC_PORT',
    'MATCHING_GRPC_PORT',
    'WORKER_GRPC_PORT',
    'FRONTEND_MEMBERSHIP_PORT',
    'HISTORY_MEMBERSHIP_PORT',
    'MATCHING_MEMBERSHIP_PORT',
    'WORKER_MEMBERSHIP_PORT',
  ];
  return Object.fromEntries(names.map((name, i) => [name, String(grpc + i)]));
}

/** Every port the engine binds on 127.0.0.1, to check before starting. */
export function postgresEnginePorts(ports: PostgresEngineOptions['ports']): number[] {
  return [
    ports.postgres,
    ...Array.from({ length: TEMPORAL_SERVER_PORT_COUNT }, (_, i) => ports.temporal + i),
    ports.temporalUi,
  ];
}

export function postgresEngine(options: PostgresEngineOptions): EnginePart[] {
  const { root, dataDir, cli, ports, namespace, retention } = options;
  const tools = ensureEngineTools(root);
  const deploy = join(root, 'deploy', 'temporal');
  const cluster: PostgresCluster = {
    bin: tools.postgresBin,
    dir: join(dataDir, 'postgres'),
    port: ports.postgres,
    user: 'temporal',
    password: postgresPassword(),
  };
  const address = `127.0.0.1:${ports.temporal}`;
  // The names the temporalio/server and admin-tools images read (see docker-compose.yml).
  const database = { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(cluster.port), POSTGRES_USER: cluster.user };

  return [
    {
      spec: postgresChild(cluster),
      beforeStart: () => initCluster(cluster),
      afterStart: async () => {
        await ensureTemporalRole(cluster);
        await deployScript(deploy, 'setup-postgres.sh', {
          ...database,
          SQL_PASSWORD: cluster.password,
          TEMPORAL_SQL_TOOL: tools['temporal-sql-tool'],
        });
      },
    },
    {
      spec: {
        name: 'temporal',
        ...exitWithParent(tools['temporal-server'], [
          '--config-file',
          join(deploy, 'server.yaml'),
          '--allow-no-auth',
          'start',
        ]),
        env: {
          ...database,
          POSTGRES_PWD: cluster.password,
          BIND_ON_IP: '127.0.0.1',
          ...serverPortEnv(ports.temporal),
          DYNAMIC_CONFIG_FILE_PATH: join(deploy, 'dynamicconfig', 'development-sql.yaml'),
          LOG_LEVEL: 'warn',
        },
        ready: () => isServing(cli, address),
        readyTimeoutMs: 90_000,
      },
      afterStart: () =>
        deployScript(deploy, 'create-namespace.sh', {
          TEMPORAL_CLI: cli,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_NAMESPACE: namespace,
          TEMPORAL_RETENTION: retention,
        }),
    },
    {
      spec: {
        name: 'temporal-ui',
        ...exitWithParent(tools['temporal-ui'], ['--root', deploy, '--config', 'ui', '--env', 'orders', 'start']),
        // The codec server (started next) decrypts payloads for the UI's pages.
        env: {
          TEMPORAL_ADDRESS: address,
          TEMPORAL_UI_PORT: String(ports.temporalUi),
          TEMPORAL_CODEC_ENDPOINT: `http://127.0.0.1:${ports.codec}`,
        },
        ready: httpOk(`http://127.0.0.1:${ports.temporalUi}/`),
      },
    },
  ];
}

/** Runs one of the deploy/temporal scripts; on failure, its output says what went wrong. */
async function deployScript(dir: string, script: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run('sh', [join(dir, script)], { env: { ...process.env, ...env }, timeout: 180_000 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(
      `deploy/temporal/${script} failed:\n${`${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
}
