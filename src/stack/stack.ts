import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dataDirSetting, serviceNodeOptions, stackConfig } from '../config/launcher';
import { secretsConfig, workerConfig } from '../config/service';
import { Child, type ChildSpec, exitWithParent, httpOk } from './child-process';
import { type DevApiKey, ensureDevApiKey, ensureDevEncryptionKeys } from './dev-secrets';
import { assertPortFree, freePort, freePortBlock } from './free-port';
import { kafkaBroker } from './kafka-broker';
import { type EnginePart, postgresEngine, postgresEnginePorts, TEMPORAL_SERVER_PORT_COUNT } from './postgres-engine';
import { devServerArgs, isServing, prepareNamespace, temporalCli } from './temporal-cli';

// The whole stack on 127.0.0.1: Temporal (the dev server, or the production engine on
// PostgreSQL), the codec server (decrypts payloads for the UI), sandbox providers,
// worker(s), API(s). Used by `npm start`, the tests' global
// setup, the benchmark and the chaos run.

export type Engine = 'dev' | 'postgres';
export const ENGINES: readonly Engine[] = ['dev', 'postgres'];

export interface StackOptions {
  dataDir: string;
  ports: {
    temporal: number;
    temporalUi: number;
    codec: number;
    api: number;
    payments: number;
    shipping: number;
    postgres: number;
  };
  namespace: string;
  /** Namespace retention, e.g. "720h": closed orders are forgotten after it. */
  retention: string;
  /**
   * Which Temporal: the CLI's dev server (SQLite file; the default) or the production engine
   * (PostgreSQL, the Temporal server and UI server built from Go; see postgres-engine.ts).
   */
  engine?: Engine;
  /** How many workers and API replicas (default 1 each); API replicas listen on consecutive ports from `ports.api`. */
  workers?: number;
  apis?: number;
  /** Child output goes to <logDir>/<name>.log; without it, line by line to `logLine`. */
  logDir?: string;
  /** Receives each line of a child's output when there is no `logDir` (default: `[name] line` on stdout). */
  logLine?: (name: string, line: string) => void;
  /**
   * Extra environment for every child. Without ENCRYPTION_KEYS or API_KEYS_FILE (here or in
   * ours), development ones are made in the data folder.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Which parts to start, in this order (default: SERVICES, and KAFKA_SERVICES with `kafka`).
   * Without 'temporal', `temporalAddress` names the server to use.
   */
  services?: ServiceName[];
  temporalAddress?: string;
  /** Adds the Kafka broker and the ingest process (after the API) on these ports (`npm start -- --kafka`). */
  kafka?: { port: number; controllerPort: number };
}

export const SERVICES = ['temporal', 'codec', 'sandbox', 'worker', 'api'] as const;
/** Parts started only when asked for: the Kafka broker and the ingest from it into the API. */
export const KAFKA_SERVICES = ['kafka', 'ingest'] as const;
export type ServiceName = (typeof SERVICES)[number] | (typeof KAFKA_SERVICES)[number];
/** Every process a stack may run: the services, and the production engine's database and UI server. */
export type PartName = ServiceName | 'postgres' | 'temporal-ui';

/**
 * When each part stops, lowest first, parts of one stage together: what takes work in (the
 * ingest, which submits through the API, then the API) before the workers, which drain their
 * tasks while Temporal and the providers still answer; the engine after everything that
 * talks to it, PostgreSQL and Kafka (which the workers publish to) last. Stopped in any other
 * order, a part left running retries against one already gone and fills the screen with
 * connection errors.
 */
const STOP_STAGE: Record<PartName, number> = {
  ingest: 0,
  api: 1,
  worker: 2,
  sandbox: 3,
  codec: 3,
  'temporal-ui': 3,
  temporal: 4,
  postgres: 5,
  kafka: 5,
};

export interface Stack {
  urls: {
    api: string;
    apis: string[];
    docs: string;
    temporalUi: string;
    temporal: string;
    codec: string;
    payments: string;
    shipping: string;
  };
  env: NodeJS.ProcessEnv;
  /** The development API key's secret, when the stack made the key file (not with API_KEYS_FILE given). */
  apiKey?: DevApiKey;
  /** One process of the stack; `replica` picks among several workers or API replicas. */
  child(name: PartName, replica?: number): Child;
  /** Every process of a part (several for workers and APIs). */
  children(name: PartName): Child[];
  /** Where the children's logs go (see StackOptions.logDir). */
  logDir?: string;
  /** Stops every part in STOP_STAGE order; `stopping` hears the names of each stage's processes first. */
  stop(stopping?: (names: string[]) => void): Promise<void>;
  /** SIGKILLs every process at once (a second Ctrl-C). */
  kill(): Promise<void>;
  /**
   * Resolves once a part exits unasked after the stack is up (a crash, an outside kill), with
   * what happened and its last output; not once stop() or kill() has begun.
   */
  partExited: Promise<string>;
}

export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    dir = dirname(dir);
  }
  return dir;
}

/** The data folder of `npm start` and of the tools run beside it: DATA_DIR, else .data/ in the project. */
export function localDataDir(): string {
  return dataDirSetting() ?? join(projectRoot(), '.data');
}

export function defaultStackOptions(): StackOptions {
  return { dataDir: localDataDir(), ...stackConfig() };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const root = projectRoot();
  const dist = join(root, 'dist');
  const { ports, dataDir, namespace, engine = 'dev', workers = 1, apis = 1 } = options;
  const wanted = options.services ?? (options.kafka ? [...SERVICES, ...KAFKA_SERVICES] : SERVICES);
  const kafkaPorts = options.kafka ?? { port: 9092, controllerPort: 9093 };
  const host = '127.0.0.1';
  const apiPorts = Array.from({ length: apis }, (_, i) => ports.api + i);

  // Readiness probes would otherwise happily answer from someone else's server.
  const portsOf: Record<ServiceName, number[]> = {
    temporal: engine === 'postgres' ? postgresEnginePorts(ports) : [ports.temporal, ports.temporalUi],
    codec: [ports.codec],
    sandbox: [ports.payments, ports.shipping],
    worker: [],
    api: apiPorts,
    kafka: [kafkaPorts.port, kafkaPorts.controllerPort],
    ingest: [],
  };
  for (const name of wanted)
    for (const port of portsOf[name])
      await assertPortFree(port, name === 'temporal' ? `the Temporal engine (${engine})` : name);

  mkdirSync(dataDir, { recursive: true });
  const cli = temporalCli(root);
  const urls = {
    api: `http://${host}:${ports.api}`,
    apis: apiPorts.map((port) => `http://${host}:${port}`),
    docs: `http://${host}:${ports.api}/docs`,
    temporalUi: `http://${host}:${ports.temporalUi}`,
    temporal: options.temporalAddress ?? `${host}:${ports.temporal}`,
    codec: `http://${host}:${ports.codec}`,
    payments: `http://${host}:${ports.payments}`,
    shipping: `http://${host}:${ports.shipping}`,
  };
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: urls.temporal,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_UI_URL: urls.temporalUi,
    PAYMENTS_URL: urls.payments,
    SHIPPING_URL: urls.shipping,
    PAYMENTS_PORT: String(ports.payments),
    SHIPPING_PORT: String(ports.shipping),
    SANDBOX_DATA_DIR: dataDir,
    PORT: String(ports.api),
    WORKFLOW_BUNDLE: join(dist, 'workflow-bundle.js'),
    CODEC_PORT: String(ports.codec),
    // The UI calls the codec server from the browser, under either name of loopback.
    CODEC_CORS_ORIGINS: [urls.temporalUi, urls.temporalUi.replace(host, 'localhost')].join(','),
    // The worker publishes order events there; the ingest consumes orders from there.
    ...((wanted as readonly ServiceName[]).includes('kafka') ? { KAFKA_BROKERS: `${host}:${kafkaPorts.port}` } : {}),
    ...options.env,
  };
  const given = secretsConfig();
  env.ENCRYPTION_KEYS ||= given.encryptionKeys || ensureDevEncryptionKeys(dataDir);
  let apiKey: DevApiKey | undefined;
  if (!env.API_KEYS_FILE && !given.apiKeysFile && wanted.includes('api')) {
    apiKey = ensureDevApiKey(dataDir);
    env.API_KEYS_FILE = apiKey.keysFile;
  }
  // What each child sees (Child merges the same way): the settings below read it, not `env` alone.
  const childEnv = { ...process.env, ...env };
  // Workers and API replicas: the heap limit, then the caller's NODE_OPTIONS.
  const nodeOptions = serviceNodeOptions(childEnv);
  const node = (
    name: string,
    script: string,
    ready: () => Promise<boolean>,
    replicaEnv: NodeJS.ProcessEnv = {},
  ): EnginePart => ({
    spec: {
      name,
      command: process.execPath,
      args: ['--require', join(dist, 'src/stack/exit-with-parent.js'), join(dist, script)],
      env: { ...env, ...replicaEnv },
      ready,
    },
  });
  // Replicas after the first are named worker-2, api-2, ... (so are their log files).
  const replicaName = (name: string, i: number) => (i === 0 ? name : `${name}-${i + 1}`);
  // Each worker's metrics exporter needs a port of its own; 0 keeps them all off.
  const { metricsPort } = workerConfig(childEnv);

  const parts: Record<ServiceName, () => EnginePart[]> = {
    temporal: () =>
      engine === 'postgres'
        ? postgresEngine({ root, dataDir, cli, ports, namespace, retention: options.retention })
        : [
            {
              spec: {
                name: 'temporal',
                ...exitWithParent(cli, [
                  ...devServerArgs({
                    dbFile: join(dataDir, 'temporal.db'),
                    port: ports.temporal,
                    uiPort: ports.temporalUi,
                    codecEndpoint: urls.codec,
                  }),
                  '--namespace',
                  namespace,
                ]),
                ready: () => isServing(cli, urls.temporal),
              } satisfies ChildSpec,
              afterStart: () => prepareNamespace(cli, urls.temporal, namespace, options.retention),
            },
          ],
    codec: () => [node('codec', 'src/codec-server/main.js', httpOk(`${urls.codec}/health`))],
    sandbox: () => [
      node(
        'sandbox',
        'src/sandbox/main.js',
        async () => (await httpOk(`${urls.payments}/health`)()) && httpOk(`${urls.shipping}/health`)(),
      ),
    ],
    worker: () =>
      Array.from({ length: workers }, (_, i) =>
        node(replicaName('worker', i), 'src/worker/main.js', async () => true, {
          WORKER_METRICS_PORT: String(metricsPort && metricsPort + i),
          NODE_OPTIONS: nodeOptions,
        }),
      ),
    api: () =>
      apiPorts.map((port, i) =>
        node(replicaName('api', i), 'src/api/main.js', httpOk(`http://${host}:${port}/ready`), {
          PORT: String(port),
          NODE_OPTIONS: nodeOptions,
        }),
      ),
    kafka: () => [kafkaBroker({ root, dataDir, ...kafkaPorts })],
    // Through the first API replica with the stack's key, as any HTTP client would submit.
    ingest: () => [
      node('ingest', 'src/ingest/main.js', async () => true, {
        INGEST_API_URL: urls.api,
        INGEST_API_KEY: env.INGEST_API_KEY ?? apiKey?.secret,
      }),
    ],
  };

  const children = new Map<PartName, Child[]>();
  /** Every part spawned, from before its readiness on: a failed start stops the one starting too. */
  const started: { part: PartName; child: Child }[] = [];
  // A part that exits unasked: while the stack starts, the start fails at once (rather than
  // when a later part times out waiting for it); once it is up, partExited says so.
  let up = false;
  let stoppingAll = false;
  let failStart!: (err: Error) => void;
  const partDiedWhileStarting = new Promise<never>((_, reject) => (failStart = reject));
  partDiedWhileStarting.catch(() => {}); // heard through the races below
  let partExitedUp!: (what: string) => void;
  const partExited = new Promise<string>((resolve) => (partExitedUp = resolve));
  const watch = (child: Child) =>
    child.setUnexpectedExitListener((what) => {
      if (stoppingAll) return;
      if (up) partExitedUp(what);
      else failStart(new Error(`while the stack was starting, ${what}`));
    });
  // The step under way; one lost to a dying part is still awaited once the parts are stopped
  // (below): a script it runs (the schema, the namespace) must not outlive the launcher.
  let step: Promise<unknown> = Promise.resolve();
  const unlessAPartDies = <T>(next: T | Promise<T>) => {
    step = Promise.resolve(next);
    return Promise.race([step, partDiedWhileStarting]);
  };
  const stop = async (stopping?: (names: string[]) => void) => {
    stoppingAll = true;
    const stages = [...new Set(Object.values(STOP_STAGE))].sort((a, b) => a - b);
    for (const stage of stages) {
      const due = started.filter(({ part }) => STOP_STAGE[part] === stage).map(({ child }) => child);
      if (due.length === 0) continue;
      stopping?.(due.map((child) => child.spec.name));
      await Promise.all(due.map((child) => child.stop()));
    }
  };
  const { logLine } = options;
  const output = (name: string) => options.logDir ?? (logLine && ((line: string) => logLine(name, line)));
  try {
    for (const name of wanted) {
      for (const part of parts[name]()) {
        const child = new Child(part.spec, output(part.spec.name));
        const partName = part.spec.name.replace(/-\d+$/, '') as PartName;
        children.set(partName, [...(children.get(partName) ?? []), child]);
        await unlessAPartDies(part.beforeStart?.());
        started.push({ part: partName, child });
        // When a part before it dies first, stop() below ends this one too.
        await unlessAPartDies(child.start());
        watch(child);
        await unlessAPartDies(part.afterStart?.());
      }
    }
    up = true;
  } catch (err) {
    await stop();
    // Its own timeouts bound it; failing fast now that what it talks to is gone.
    await step.catch(() => {});
    throw err;
  }
  const all = (name: PartName) => children.get(name) ?? [];
  const child = (name: PartName, replica = 0) => {
    const found = all(name)[replica];
    if (!found) throw new Error(`this stack runs no ${replicaName(name, replica)}`);
    return found;
  };
  const kill = async () => {
    stoppingAll = true;
    await Promise.all(started.map(({ child }) => child.kill()));
  };
  return { urls, env, apiKey, child, children: all, logDir: options.logDir, stop, kill, partExited };
}

/**
 * Free ports on 127.0.0.1 for every part of a stack (blocks for the Temporal server's services
 * and the API replicas).
 */
export async function freeStackPorts(apis = 1): Promise<StackOptions['ports']> {
  return {
    temporal: await freePortBlock(TEMPORAL_SERVER_PORT_COUNT),
    temporalUi: await freePort(),
    codec: await freePort(),
    api: await freePortBlock(apis),
    payments: await freePort(),
    shipping: await freePort(),
    postgres: await freePort(),
  };
}

/** `kafka`: add the broker and the ingest, on free ports. */
export type ScratchOptions = Pick<StackOptions, 'engine' | 'workers' | 'apis'> & { kafka?: boolean };

/**
 * A whole stack of its own for a tool (benchmark, chaos run, history export): free ports and
 * a scratch data folder (logs in its `logs/`), all removed by `dispose`, except the logs when
 * it is told to keep them (a failed run): it moves them out and returns where.
 */
export async function startScratchStack(
  name: string,
  env: NodeJS.ProcessEnv = {},
  scratch: ScratchOptions = {},
): Promise<{ stack: Stack; dispose: (keep?: { logs: boolean }) => Promise<string | undefined> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `orders-${name}-`));
  // The tools measure and break the service, not the per-key rate limit.
  const toolEnv = { API_RATE_LIMIT: '1000000', ...env };
  const { kafka, ...shape } = scratch;
  const stack = await startStack({
    dataDir,
    ports: await freeStackPorts(scratch.apis),
    namespace: 'default',
    retention: '24h',
    logDir: join(dataDir, 'logs'),
    env: toolEnv,
    ...shape,
    ...(kafka ? { kafka: { port: await freePort(), controllerPort: await freePort() } } : {}),
  }).catch((err) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    stack,
    dispose: async (keep) => {
      await stack.stop();
      const kept = keep?.logs ? `${dataDir}-logs` : undefined;
      if (kept) renameSync(join(dataDir, 'logs'), kept);
      rmSync(dataDir, { recursive: true, force: true });
      return kept;
    },
  };
}
