import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NODE_HEAP_LIMIT } from '../../src/config/launcher';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/shared/order-contract';
import { CLI_TYPES } from '../../src/stack/temporal-cli';

// Docker cannot run on the development machines, so docker-compose.yml, the Dockerfile and
// the files under deploy/ are checked by reading them: every reference between them (service
// names, ports, env, mounted files, compiled entry points, search attributes) must resolve.

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// ---- docker-compose.yml, with the little of Compose's semantics the checks need ----

type Json = Record<string, unknown>;

/**
 * `${VAR:-default}` and `${VAR-default}` → default, `${VAR}` → '', `$$` → `$` (no shell env:
 * the file's own defaults).
 */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?\}/g, (match, _name, fallback) =>
      match === '$$' ? '$' : (fallback ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
}

const compose = interpolate(parse(read('docker-compose.yml'), { merge: true })) as Json;
const services = compose.services as Record<string, Json>;
const declaredVolumes = Object.keys((compose.volumes as Json | undefined) ?? {});

function service(name: string): Json {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function env(name: string): Record<string, string> {
  const raw = service(name).environment ?? {};
  const pairs: [string, string][] = Array.isArray(raw)
    ? raw.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      })
    : Object.entries(raw as Json).map(([k, v]) => [k, v == null ? '' : String(v)]);
  return Object.fromEntries(pairs);
}

function dependsOn(name: string): Record<string, string> {
  const raw = service(name).depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((dep: string) => [dep, 'service_started']));
  return Object.fromEntries(
    Object.entries(raw as Record<string, Json>).map(([dep, opts]) => [
      dep,
      String(opts?.condition ?? 'service_started'),
    ]),
  );
}

interface Mount {
  type: 'bind' | 'volume' | 'anonymous';
  source?: string;
  target: string;
}

function mounts(name: string): Mount[] {
  return ((service(name).volumes ?? []) as (string | Json)[]).map((entry) => {
    if (typeof entry !== 'string') {
      const source = entry.source as string | undefined;
      return {
        type: (entry.type as Mount['type']) ?? (source ? 'volume' : 'anonymous'),
        source,
        target: String(entry.target),
      };
    }
    const [first, second] = entry.split(':');
    if (second === undefined) return { type: 'anonymous', target: first };
    return { type: /^[./~]/.test(first) ? 'bind' : 'volume', source: first, target: second };
  });
}

/** The repo file that a path inside a container of `name` reads, through its bind mounts. */
function hostPath(name: string, containerPath: string): string | undefined {
  for (const mount of mounts(name)) {
    if (mount.type !== 'bind' || !mount.source) continue;
    const rel = posix.relative(mount.target, containerPath);
    if (rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel))) return join(root, mount.source, rel);
  }
  return undefined;
}

function commandOf(name: string): string[] {
  const tokens = (value: unknown) =>
    value == null ? [] : Array.isArray(value) ? value.map(String) : String(value).split(/\s+/).filter(Boolean);
  return [...tokens(service(name).entrypoint), ...tokens(service(name).command)];
}

function healthcheckTest(name: string): string {
  const test = (service(name).healthcheck as Json | undefined)?.test;
  return Array.isArray(test) ? test.join(' ') : String(test ?? '');
}

/** Published ports of a service as [host IP or '' for every interface, container port]. */
function published(name: string): [string, number][] {
  return ((service(name).ports ?? []) as (string | number | Json)[]).map((port) => {
    if (typeof port === 'object') return [String(port.host_ip ?? ''), Number(port.target)];
    const parts = String(port).split('/')[0].split(':');
    return [parts.length === 3 ? parts[0] : '', Number(parts[parts.length - 1])];
  });
}

function publishedTargets(name: string): number[] {
  return published(name).map(([, port]) => port);
}

function imageTag(image: string): string | undefined {
  if (image.includes('@sha256:')) return image.split('@')[1];
  const last = image.split('/').pop() ?? '';
  return last.includes(':') ? last.split(':')[1] : undefined;
}

function hostPort(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}

// ---- Dockerfile and .dockerignore ----

interface Instruction {
  op: string;
  args: string;
}
const dockerfile: Instruction[] = read('Dockerfile')
  .replace(/\\\r?\n/g, ' ')
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => {
    const [op, ...rest] = line.split(/\s+/);
    return { op: op.toUpperCase(), args: rest.join(' ') };
  });
const stages = dockerfile.reduce<Instruction[][]>((acc, ins) => {
  if (ins.op === 'FROM') acc.push([]);
  if (acc.length) acc[acc.length - 1].push(ins);
  return acc;
}, []);
const finalStage = stages[stages.length - 1];
const dockerArgs = Object.fromEntries(
  dockerfile.filter((i) => i.op === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=', 2) as [string, string]),
);
const expandArgs = (text: string) => text.replace(/\$\{?(\w+)\}?/g, (m, name) => dockerArgs[name] ?? m);
const jsonOrShell = (args: string): string[] => (args.startsWith('[') ? JSON.parse(args) : args.split(/\s+/));
const dockerignore = read('.dockerignore')
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'))
  .map((line) => line.replace(/^\/|\/$/g, ''));

/** ENV of the final stage, what a container gets before compose's `environment`. */
const imageEnv: Record<string, string> = {};
for (const ins of finalStage.filter((i) => i.op === 'ENV')) {
  for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) imageEnv[m[1]] = m[2].replace(/^"|"$/g, '');
}
const workdir = [...finalStage].reverse().find((i) => i.op === 'WORKDIR')?.args ?? '/';

/** `dist/<path>.js` (relative to the image's WORKDIR) → the TypeScript file it is compiled from. */
function sourceOf(distPath: string): string {
  const rel = posix.isAbsolute(distPath) ? posix.relative(workdir, distPath) : distPath;
  return rel.replace(/^dist\//, '').replace(/\.js$/, '.ts');
}

const built = Object.keys(services).filter((name) => services[name].build);
const SERVICES = [
  'postgresql',
  'temporal-admin-tools',
  'temporal',
  'temporal-create-namespace',
  'temporal-ui',
  'sandbox',
  'worker',
  'api',
  'codec-server',
];
const TEMPORAL_CLIENTS = ['api', 'worker'];

describe('docker-compose.yml', () => {
  it('has every service of the stack', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(SERVICES));
  });

  it('pins every image to a tag other than latest, or builds it', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.build) continue;
      const image = String(svc.image ?? '');
      expect(image, `${name} has neither image nor build`).not.toBe('');
      const tag = imageTag(image);
      expect(tag, `${name}: image ${image} has no tag`).toBeTruthy();
      expect(tag, `${name}: image ${image}`).not.toBe('latest');
    }
  });

  it('runs the schema tool of the same Temporal version as the server, 1.28 or later', () => {
    const server = imageTag(String(service('temporal').image));
    expect(String(service('temporal').image)).toMatch(/^temporalio\/server:/);
    for (const job of ['temporal-admin-tools', 'temporal-create-namespace']) {
      expect(String(service(job).image)).toBe(`temporalio/admin-tools:${server}`);
    }
    const [major, minor] = String(server).split('.').map(Number);
    expect(major > 1 || (major === 1 && minor >= 28), `temporalio/server:${server}`).toBe(true);
  });

  it('starts services only after existing ones, with valid conditions and no cycle', () => {
    for (const name of Object.keys(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(name))) {
        expect(services, `${name} depends on unknown service ${dep}`).toHaveProperty([dep]);
        expect(['service_started', 'service_healthy', 'service_completed_successfully'], `${name} → ${dep}`).toContain(
          condition,
        );
        if (condition === 'service_healthy') {
          expect(healthcheckTest(dep), `${name} waits for ${dep} to be healthy, which has no healthcheck`).not.toBe('');
        }
        if (condition === 'service_completed_successfully') {
          expect(
            ['always', 'unless-stopped'],
            `${name} waits for ${dep} to exit, which restarts forever`,
          ).not.toContain(services[dep].restart);
        }
      }
    }
    const done = new Set<string>();
    const visit = (name: string, path: string[]) => {
      expect(path, `depends_on cycle: ${[...path, name].join(' → ')}`).not.toContain(name);
      if (done.has(name)) return;
      for (const dep of Object.keys(dependsOn(name))) visit(dep, [...path, name]);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
  });

  it('orders the start-up: schema, server, namespace, then the worker and the API', () => {
    expect(dependsOn('temporal-admin-tools')).toMatchObject({ postgresql: 'service_healthy' });
    expect(dependsOn('temporal')).toMatchObject({ 'temporal-admin-tools': 'service_completed_successfully' });
    expect(dependsOn('temporal-create-namespace')).toMatchObject({ temporal: 'service_healthy' });
    for (const name of TEMPORAL_CLIENTS) {
      expect(dependsOn(name)).toMatchObject({ 'temporal-create-namespace': 'service_completed_successfully' });
    }
    expect(dependsOn('worker')).toHaveProperty('sandbox');
    expect(healthcheckTest('postgresql')).toContain('pg_isready');
  });

  it('keeps the worker scalable with --scale worker=N', () => {
    const worker = service('worker');
    expect(worker).not.toHaveProperty('container_name');
    expect(worker).not.toHaveProperty('ports');
    expect(worker).not.toHaveProperty('hostname');
    for (const mount of mounts('worker'))
      expect(mount.type, 'a worker copy must not share a writable volume').not.toBe('volume');
  });

  it('points the API, the worker, the UI and the namespace job at the Temporal frontend', () => {
    const frontendPort = Number(env('temporal').FRONTEND_GRPC_PORT ?? 7233);
    for (const name of [...TEMPORAL_CLIENTS, 'temporal-ui', 'temporal-create-namespace']) {
      expect(env(name).TEMPORAL_ADDRESS, name).toBeDefined();
      expect(hostPort(env(name).TEMPORAL_ADDRESS), `${name} TEMPORAL_ADDRESS`).toEqual({
        host: 'temporal',
        port: frontendPort,
      });
    }
    expect(env('temporal').BIND_ON_IP, 'the frontend must listen beyond the container').toBe('0.0.0.0');
    expect(env('temporal-ui').TEMPORAL_CORS_ORIGINS).toBeTruthy();
    expect(publishedTargets('temporal-ui')).toContain(Number(env('temporal-ui').TEMPORAL_UI_PORT ?? 8080));
  });

  it("gives the API and the worker the launcher's heap limit", () => {
    expect(env('api').NODE_OPTIONS).toBe(NODE_HEAP_LIMIT);
    expect(env('worker').NODE_OPTIONS).toBe(NODE_HEAP_LIMIT);
  });

  it('uses one namespace and one task queue across the API, the worker and the namespace job', () => {
    const namespace = (name: string) => env(name).TEMPORAL_NAMESPACE ?? 'default';
    const queue = (name: string) => env(name).TEMPORAL_TASK_QUEUE ?? 'orders';
    expect(namespace('api')).toBe(namespace('worker'));
    expect(namespace('temporal-create-namespace')).toBe(namespace('api'));
    expect(queue('api')).toBe(queue('worker'));
  });

  it('points PAYMENTS_URL and SHIPPING_URL at the ports the sandbox listens on', () => {
    const sandbox = { ...imageEnv, ...env('sandbox') };
    const ports = {
      PAYMENTS_URL: Number(sandbox.PAYMENTS_PORT ?? 4001),
      SHIPPING_URL: Number(sandbox.SHIPPING_PORT ?? 4002),
    };
    expect(sandbox.SANDBOX_HOST, 'the sandbox must listen beyond its container').toBe('0.0.0.0');
    for (const name of TEMPORAL_CLIENTS) {
      for (const [key, port] of Object.entries(ports)) {
        const value = env(name)[key];
        if (name === 'worker') expect(value, `worker ${key}`).toBeDefined();
        if (value === undefined) continue;
        const url = new URL(value);
        expect({ host: url.hostname, port: Number(url.port) }, `${name} ${key}`).toEqual({ host: 'sandbox', port });
      }
    }
  });

  it('keeps the sandbox ledgers in a declared volume', () => {
    const dataDir = { ...imageEnv, ...env('sandbox') }.SANDBOX_DATA_DIR;
    expect(dataDir).toBeTruthy();
    const mount = mounts('sandbox').find((m) => m.target === dataDir);
    expect(mount, `no volume at SANDBOX_DATA_DIR=${dataDir}`).toMatchObject({ type: 'volume' });
  });

  it('publishes the API and checks its readiness on /ready', () => {
    const apiEnv = { ...imageEnv, ...env('api') };
    expect(apiEnv.HOST, 'the API must listen beyond its container').toBe('0.0.0.0');
    const port = Number(apiEnv.PORT ?? 3000);
    expect(publishedTargets('api')).toContain(port);
    expect(healthcheckTest('api')).toContain(`:${port}/ready`);
    expect(env('api').TEMPORAL_UI_URL).toMatch(/^https?:\/\//);
  });

  it('declares every named volume and mounts only files of the repository', () => {
    for (const name of Object.keys(services)) {
      for (const mount of mounts(name)) {
        if (mount.type === 'volume')
          expect(declaredVolumes, `${name} uses undeclared volume ${mount.source}`).toContain(mount.source);
        if (mount.type === 'bind')
          expect(existsSync(join(root, mount.source!)), `${name} mounts missing ${mount.source}`).toBe(true);
      }
    }
  });

  it('runs entry points compiled from existing TypeScript sources', () => {
    expect(built).toEqual(expect.arrayContaining(['sandbox', 'worker', 'api']));
    const expected = { sandbox: 'src/sandbox/main.ts', worker: 'src/worker/main.ts', api: 'src/api/main.ts' };
    for (const name of built) {
      const scripts = commandOf(name).filter((token) => /(^|\/)dist\/.+\.js$/.test(token));
      expect(scripts, `${name} runs no dist/*.js`).toHaveLength(1);
      const source = sourceOf(scripts[0]);
      expect(existsSync(join(root, source)), `${name}: ${scripts[0]} has no source ${source}`).toBe(true);
      if (name in expected) expect(source).toBe(expected[name as keyof typeof expected]);
    }
  });

  it('gives the worker the workflow bundle that the image build writes', () => {
    const bundle = env('worker').WORKFLOW_BUNDLE ?? imageEnv.WORKFLOW_BUNDLE;
    expect(bundle).toBe(posix.join(workdir, 'dist/workflow-bundle.js'));
    expect(read('src/worker/bundle.ts')).toContain("'workflow-bundle.js'");
    const runs = dockerfile
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toContain('node dist/src/worker/bundle.js');
  });

  it('runs the one-shot jobs from scripts under deploy/', () => {
    for (const job of ['temporal-admin-tools', 'temporal-create-namespace']) {
      const script = commandOf(job).find((token) => token.endsWith('.sh'));
      expect(script, `${job} runs no script`).toBeDefined();
      const file = hostPath(job, script!);
      expect(file, `${job}: ${script} is not mounted from the repository`).toBeDefined();
      expect(existsSync(file!), `${job}: ${file} missing`).toBe(true);
    }
  });
});

function jobScript(job: string): string {
  const script = commandOf(job).find((token) => token.endsWith('.sh'))!;
  return readFileSync(hostPath(job, script)!, 'utf8').replace(/\\\r?\n/g, ' ');
}

describe('Temporal on PostgreSQL', () => {
  it('gives the server, the schema job and PostgreSQL the same database and credentials', () => {
    const pg = env('postgresql');
    for (const name of ['temporal', 'temporal-admin-tools']) {
      const e = env(name);
      expect(e.DB, name).toBe('postgres12');
      expect(e.POSTGRES_SEEDS, name).toBe('postgresql');
      expect(Number(e.DB_PORT ?? 5432), name).toBe(5432);
      expect(e.POSTGRES_USER, name).toBe(pg.POSTGRES_USER);
    }
    expect(env('temporal').POSTGRES_PWD).toBe(pg.POSTGRES_PASSWORD);
    expect(env('temporal-admin-tools').SQL_PASSWORD, 'temporal-sql-tool reads SQL_PASSWORD').toBe(pg.POSTGRES_PASSWORD);
    expect(mounts('postgresql').find((m) => m.target === '/var/lib/postgresql/data')).toMatchObject({ type: 'volume' });
  });

  it('creates, sets up and migrates both the temporal and the temporal_visibility databases', () => {
    const script = jobScript('temporal-admin-tools');
    expect(script).toContain('temporal-sql-tool');
    expect(script).toContain('--plugin postgres12');
    for (const step of [' create', 'setup-schema -v 0.0', 'update-schema --schema-name'])
      expect(script).toContain(step);
    expect(script).toMatch(/DBNAME:-temporal}/);
    expect(script).toMatch(/VISIBILITY_DBNAME:-temporal_visibility}/);
    // The schema embedded in temporal-sql-tool, so the same script works in the image and with the tool built locally.
    expect(script).toMatch(/setup "\$DBNAME" postgresql\/v12\/temporal\b/);
    expect(script).toMatch(/setup "\$VISIBILITY_DBNAME" postgresql\/v12\/visibility\b/);
  });

  it('mounts the dynamic config file the server is told to read', () => {
    const path = env('temporal').DYNAMIC_CONFIG_FILE_PATH;
    expect(path).toBeTruthy();
    const file = hostPath('temporal', posix.isAbsolute(path) ? path : posix.join('/etc/temporal', path));
    expect(file, `${path} is not mounted from the repository`).toBeDefined();
    expect(statSync(file!).isFile()).toBe(true);
    const config = parse(readFileSync(file!, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(config).length).toBeGreaterThan(0);
    for (const [key, entries] of Object.entries(config)) {
      expect(Array.isArray(entries), `${key} must be a list of { value, constraints }`).toBe(true);
      for (const entry of entries as Json[]) expect(entry, key).toHaveProperty('value');
    }
  });

  it('creates the namespace with a retention, if missing', () => {
    const script = jobScript('temporal-create-namespace');
    expect(script).toMatch(/operator namespace create [^\n]*--retention/);
    expect(script).toMatch(/operator namespace describe/);
  });

  it('registers exactly the search attributes of src/shared/search-attributes.ts, with their types', () => {
    const commands = jobScript('temporal-create-namespace')
      .split(/\r?\n/)
      .filter((line) => /operator search-attribute create/.test(line));
    expect(commands.length).toBeGreaterThan(0);
    const registered = commands.flatMap((line) =>
      [...line.matchAll(/--name\s+(\S+)\s+--type\s+(\S+)/g)].map((m) => `${m[1]}:${m[2]}`),
    );
    const expected = ORDER_SEARCH_ATTRIBUTES.map((key) => `${key.name}:${CLI_TYPES[key.type]}`);
    expect(registered.sort()).toEqual(expected.sort());
  });
});

/** The file as written, before interpolation: what a variable's absent value turns into. */
const rawCompose = read('docker-compose.yml');

describe('docker-compose.yml exposure (hardened)', () => {
  it('publishes the API only; the Temporal UI on the host loopback at most', () => {
    for (const name of Object.keys(services)) {
      if (['api', 'temporal-ui', 'codec-server'].includes(name)) continue;
      expect(service(name), `${name} must not be published`).not.toHaveProperty('ports');
    }
    expect(published('api').length).toBeGreaterThan(0);
    for (const name of ['temporal-ui', 'codec-server']) {
      for (const [hostIp] of published(name)) expect(hostIp, `${name} must be bound to 127.0.0.1`).toBe('127.0.0.1');
    }
  });

  it('requires the encryption key, the API key file and the codec credential, with no defaults', () => {
    const uses = (name: string) =>
      [...rawCompose.matchAll(new RegExp(`\\$\\{${name}([^}]*)\\}`, 'g'))].map((m) => m[1]);
    for (const name of ['ENCRYPTION_KEYS', 'API_KEYS_FILE', 'CODEC_AUTH_TOKEN']) {
      expect(uses(name).length, name).toBeGreaterThan(0);
      for (const use of uses(name)) expect(use, name).toMatch(/^:\?/);
    }
    const raw = parse(rawCompose, { merge: true }) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    for (const name of ['api', 'worker', 'codec-server'])
      expect(raw.services[name].environment?.ENCRYPTION_KEYS, name).toMatch(/^\$\{ENCRYPTION_KEYS:\?/);
    expect(env('api').API_KEYS_FILE).toBe('/run/secrets/api-keys');
    expect(service('api').secrets).toEqual(['api-keys']);
  });

  it('keeps Temporal, the sandbox and PostgreSQL on the compose network only', () => {
    for (const name of ['temporal', 'sandbox', 'postgresql']) {
      expect(service(name), name).not.toHaveProperty('ports');
      expect(service(name), name).not.toHaveProperty('network_mode');
    }
  });

  it("turns the UI's write actions off unless asked for", () => {
    expect(env('temporal-ui').TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
  });

  it('starts the sandbox with no faults unless they are enabled', () => {
    const sandbox = { ...imageEnv, ...env('sandbox') };
    for (const key of ['SANDBOX_FAULTS', 'PAYMENTS_FAULTS', 'SHIPPING_FAULTS'])
      expect(sandbox[key] ?? '', key).toBe('');
  });

  it('has no default database password: every use of POSTGRES_PASSWORD requires it', () => {
    const uses = [...rawCompose.matchAll(/\$\{POSTGRES_PASSWORD([^}]*)\}/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const use of uses) expect(use, '${POSTGRES_PASSWORD' + use + '}').toMatch(/^:\?/);
    const raw = parse(rawCompose, { merge: true }) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    expect(raw.services.postgresql.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });
});

describe('one source for both engines (compose and npm start -- --temporal postgres)', () => {
  const engine = read('src/stack/postgres-engine.ts');
  const versions = JSON.parse(read('deploy/temporal/versions.json')) as { temporalServer: string; temporalUi: string };

  it('mounts the server configuration from deploy/temporal/ and tells the server to read it', () => {
    const path = env('temporal').TEMPORAL_SERVER_CONFIG_FILE_PATH;
    expect(path).toBeTruthy();
    expect(hostPath('temporal', path)).toBe(join(root, 'deploy/temporal/server.yaml'));
    expect(engine).toContain("'server.yaml'");
  });

  it('runs the same deploy/temporal scripts as the local engine', () => {
    for (const [job, script] of [
      ['temporal-admin-tools', 'setup-postgres.sh'],
      ['temporal-create-namespace', 'create-namespace.sh'],
    ]) {
      const token = commandOf(job).find((t) => t.endsWith('.sh'))!;
      expect(hostPath(job, token), job).toBe(join(root, 'deploy/temporal', script));
      expect(engine, `the local engine runs ${script}`).toContain(`'${script}'`);
    }
  });

  it('fills every variable the server configuration needs from the temporal service', () => {
    const template = read('deploy/temporal/server.yaml');
    expect(template.slice(0, 1024)).toContain('enable-template');
    const required = [...template.matchAll(/list ((?:"[A-Z_]+" ?)+)/g)].flatMap((m) => m[1].match(/[A-Z_]+/g) ?? []);
    expect(required).toEqual(['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD']);
    for (const name of [...required, 'DB_PORT', 'BIND_ON_IP', 'DYNAMIC_CONFIG_FILE_PATH'])
      expect(env('temporal')[name], name).toBeTruthy();
  });

  it('runs the Temporal versions the local engine builds (deploy/temporal/versions.json)', () => {
    expect(service('temporal').image).toBe(`temporalio/server:${versions.temporalServer}`);
    expect(service('temporal-ui').image).toBe(`temporalio/ui:${versions.temporalUi}`);
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs as a non-root user in a glibc Node 20 image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const base = expandArgs(stage[0].args.split(/\s+/)[0]);
      expect(base, 'better-sqlite3 and the Temporal core bridge need glibc').toMatch(
        /^node:20(\.[\d.]+)?-(bookworm|bullseye|trixie)(-slim)?$/,
      );
    }
    const buildRuns = stages[0]
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    for (const tool of ['python3', 'make', 'g++']) expect(buildRuns, `native build needs ${tool}`).toContain(tool);
    expect(buildRuns).toContain('npm ci');
    expect(buildRuns).toContain('tsc -p tsconfig.build.json');
    const user = [...finalStage].reverse().find((i) => i.op === 'USER')?.args;
    expect(user, 'the runtime stage sets no USER').toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const copies = dockerfile.filter((i) => i.op === 'COPY' && !/--from=/.test(i.args));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const paths = copy.args.startsWith('[')
        ? JSON.parse(copy.args)
        : copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of paths.slice(0, -1) as string[]) {
        expect(existsSync(join(root, source)), `COPY ${source}: not in the repository`).toBe(true);
        const top = source.replace(/^\.\//, '').split('/')[0];
        expect(dockerignore, `COPY ${source}: excluded by .dockerignore`).not.toContain(top);
        expect(dockerignore, `COPY ${source}: excluded by .dockerignore`).not.toContain(source.replace(/^\.\//, ''));
      }
    }
  });

  it('compiles every folder its entry points come from', () => {
    const copied = dockerfile
      .filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((p) => !p.startsWith('--'))
          .slice(0, -1),
      )
      .map((p) => p.replace(/^\.\//, '').split('/')[0]);
    const buildInclude = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    const entryPoints = [
      ...jsonOrShell(finalStage.filter((i) => i.op === 'CMD').pop()!.args),
      ...built.flatMap(commandOf),
    ]
      .filter((token) => /(^|\/)dist\/.+\.js$/.test(token))
      .map(sourceOf);
    // The worker also loads workflows/ and activities/, compiled beside src/.
    for (const source of [...entryPoints, 'workflows/index.ts', 'activities/index.ts']) {
      expect(existsSync(join(root, source)), source).toBe(true);
      const top = source.split('/')[0];
      expect(copied, `${source}: ${top}/ is not copied into the image`).toContain(top);
      expect(buildInclude, `${source}: ${top}/ is not compiled by tsconfig.build.json`).toContain(top);
    }
  });
});
