import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Child, httpOk } from './child-process';
import { type DevApiKey, ensureDevApiKey, ensureDevEncryptionKeys } from './dev-secrets';
import { assertPortFree, freePort } from './free-port';
import { devServerArgs, isServing, prepareNamespace, temporalCli } from './temporal-cli';

// The whole stack on 127.0.0.1: Temporal dev server (SQLite file, Web UI), codec server
// (decrypts payloads for the UI), sandbox providers, worker, API. Used by `npm start` and by the tests' global setup.

export interface StackOptions {
  dataDir: string;
  ports: { temporal: number; temporalUi: number; codec: number; api: number; payments: number; shipping: number };
  namespace: string;
  /** Namespace retention, e.g. "720h": closed orders are forgotten after it. */
  retention: string;
  /** Child output goes to <logDir>/<name>.log; without it, prefixed onto our stdout. */
  logDir?: string;
  /**
   * Extra environment for every child. Without ENCRYPTION_KEYS or API_KEYS_FILE (here or in
   * ours), development ones are made in the data folder.
   */
  env?: NodeJS.ProcessEnv;
  /** Which parts to start, in this order (default: all). Without 'temporal', `temporalAddress` names the server to use. */
  services?: ServiceName[];
  temporalAddress?: string;
}

export const SERVICES = ['temporal', 'codec', 'sandbox', 'worker', 'api'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Stack {
  urls: { api: string; docs: string; temporalUi: string; temporal: string; codec: string; payments: string; shipping: string };
  env: NodeJS.ProcessEnv;
  /** The development API key's secret, when the stack made the key file (not with API_KEYS_FILE given). */
  apiKey?: DevApiKey;
  child(name: ServiceName): Child;
  stop(): Promise<void>;
}

export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    dir = dirname(dir);
  }
  return dir;
}

export function defaultStackOptions(env: NodeJS.ProcessEnv = process.env): StackOptions {
  const port = (name: string, fallback: number) => Number(env[name] || fallback);
  return {
    dataDir: resolve(env.DATA_DIR || join(projectRoot(), '.data')),
    ports: {
      temporal: port('TEMPORAL_PORT', 7233),
      temporalUi: port('TEMPORAL_UI_PORT', 8233),
      codec: port('CODEC_PORT', 8888),
      api: port('PORT', 3000),
      payments: port('PAYMENTS_PORT', 4001),
      shipping: port('SHIPPING_PORT', 4002),
    },
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    retention: env.TEMPORAL_RETENTION || '720h',
  };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const root = projectRoot();
  const dist = join(root, 'dist');
  const { ports, dataDir, namespace } = options;
  mkdirSync(dataDir, { recursive: true });
  const cli = temporalCli(root);
  const host = '127.0.0.1';
  const urls = {
    api: `http://${host}:${ports.api}`,
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
    ...options.env,
  };
  env.ENCRYPTION_KEYS ||= process.env.ENCRYPTION_KEYS || ensureDevEncryptionKeys(dataDir);
  let apiKey: DevApiKey | undefined;
  if (!env.API_KEYS_FILE && !process.env.API_KEYS_FILE && (options.services ?? SERVICES).includes('api')) {
    apiKey = ensureDevApiKey(dataDir);
    env.API_KEYS_FILE = apiKey.keysFile;
  }
  const node = (name: ServiceName, script: string, ready: () => Promise<boolean>) =>
    new Child({ name, command: process.execPath, args: ['--require', join(dist, 'src/stack/exit-with-parent.js'), join(dist, script)], env, ready }, options.logDir);

  const children: Record<ServiceName, Child> = {
    temporal: new Child(
      {
        name: 'temporal',
        ...exitWithParent(cli, [
          ...devServerArgs({ dbFile: join(dataDir, 'temporal.db'), port: ports.temporal, uiPort: ports.temporalUi, codecEndpoint: urls.codec }),
          '--namespace',
          namespace,
        ]),
        ready: () => isServing(cli, urls.temporal),
      },
      options.logDir,
    ),
    codec: node('codec', 'src/codec-server/main.js', httpOk(`${urls.codec}/health`)),
    sandbox: node('sandbox', 'src/sandbox/main.js', async () => (await httpOk(`${urls.payments}/health`)()) && httpOk(`${urls.shipping}/health`)()),
    worker: node('worker', 'src/worker/main.js', async () => true),
    api: node('api', 'src/api/main.js', httpOk(`${urls.api}/ready`)),
  };
  const started: Child[] = [];
  const stop = async () => {
    for (const child of [...started].reverse()) await child.stop();
  };

  // Readiness probes would otherwise happily answer from someone else's server.
  const portsOf: Record<ServiceName, number[]> = { temporal: [ports.temporal, ports.temporalUi], codec: [ports.codec], sandbox: [ports.payments, ports.shipping], worker: [], api: [ports.api] };
  for (const name of options.services ?? SERVICES) for (const port of portsOf[name]) await assertPortFree(port, name);

  try {
    for (const name of options.services ?? SERVICES) {
      await children[name].start();
      started.push(children[name]);
      if (name === 'temporal') await prepareNamespace(cli, urls.temporal, namespace, options.retention);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { urls, env, apiKey, child: (name) => children[name], stop };
}

/**
 * The dev server is not ours to preload: on Linux, setpriv asks the kernel to SIGTERM it when
 * the launcher dies, so a killed test run leaves no server behind.
 */
function exitWithParent(command: string, args: string[]): { command: string; args: string[] } {
  return existsSync('/usr/bin/setpriv') ? { command: '/usr/bin/setpriv', args: ['--pdeathsig', 'TERM', '--', command, ...args] } : { command, args };
}

/** Free ports on 127.0.0.1 for every part of a stack. */
export async function freeStackPorts(): Promise<StackOptions['ports']> {
  return { temporal: await freePort(), temporalUi: await freePort(), codec: await freePort(), api: await freePort(), payments: await freePort(), shipping: await freePort() };
}

/**
 * A whole stack of its own for a tool (benchmark, chaos run, history export): free ports and
 * a scratch data folder (logs in its `logs/`), all removed by `dispose`.
 */
export async function startScratchStack(name: string, env: NodeJS.ProcessEnv = {}): Promise<{ stack: Stack; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `orders-${name}-`));
  // The tools measure and break the service, not the per-key rate limit.
  const toolEnv = { API_RATE_LIMIT: '1000000', ...env };
  const stack = await startStack({ dataDir, ports: await freeStackPorts(), namespace: 'default', retention: '24h', logDir: join(dataDir, 'logs'), env: toolEnv });
  return {
    stack,
    dispose: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
