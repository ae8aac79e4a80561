import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freeStackPorts, projectRoot } from '../../src/stack/stack';

// Bad input stops `npm start` with a message naming the cause and the fix, and leaves no
// process behind (docs/production-engine.md, "Bad input stops the launcher"). Run by
// `npm run test:postgres` (vitest.launcher.config.mts), once the production engine's tools and
// PostgreSQL are installed.

const root = projectRoot();
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const scratchDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `orders-launcher-${name}-`));
  scratch.push(dir);
  return dir;
};

interface Run {
  code: number | null;
  output: string;
}

/** Launchers still running when a test ends (it failed or timed out): killed, and their parts with them. */
const running = new Set<ChildProcess>();
afterEach(() => running.forEach((child) => child.kill('SIGKILL')));

/** What a test does once the output so far says `when`: by default, Ctrl-C (SIGINT). */
interface Action {
  when: (output: string) => boolean;
  act?: (launcher: ChildProcess) => void;
}

/** Runs a node script to its end, acting once on its output if asked, and keeps its output. */
function runNode(args: string[], env: NodeJS.ProcessEnv, action?: Action): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, LOG_FORMAT: 'json', ...env } });
    running.add(child);
    let output = '';
    let acted = false;
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (!acted && action?.when(output)) {
        acted = true;
        (action.act ?? ((launcher) => launcher.kill('SIGINT')))(child);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('close', (code) => {
      running.delete(child);
      resolve({ code, output });
    });
  });
}

/** The stack launcher with its data and every port of its own. */
async function launch(args: string[], env: NodeJS.ProcessEnv, action?: Action): Promise<Run> {
  const ports = await freeStackPorts();
  const stackEnv = {
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    CODEC_PORT: String(ports.codec),
    PORT: String(ports.api),
    PAYMENTS_PORT: String(ports.payments),
    SHIPPING_PORT: String(ports.shipping),
    POSTGRES_PORT: String(ports.postgres),
    WORKER_METRICS_PORT: '',
    ...env,
  };
  return runNode([join(root, 'dist/src/stack/main.js'), ...args], stackEnv, action);
}

/** A process's file in /proc, or '' once it is gone. */
function procFile(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return '';
  }
}
const commandLine = (pid: number) => procFile(pid, 'cmdline').replaceAll('\0', ' ');

/** PIDs of live processes whose command line or environment mentions `text` (a data folder). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid)
    .filter((pid) => procFile(pid, 'cmdline').includes(text) || procFile(pid, 'environ').includes(text));
}

const isUp = (output: string) => output.includes('"msg":"Stack is up"');

describe('the launcher stops on bad input, says why and what to do, and leaves nothing running', () => {
  it('a port in use: named, with its owner part, before anything starts', async () => {
    const dataDir = scratchDir('port');
    const taken: Server = createServer();
    await new Promise<void>((resolve, reject) => taken.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const run = await launch([], { DATA_DIR: dataDir, SHIPPING_PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.output).toContain(`port ${port} for sandbox is in use on 127.0.0.1`);
      expect(processesMentioning(dataDir)).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a part that fails half-way (the API cannot read its keys): the parts already up are stopped', async () => {
    const dataDir = scratchDir('half');
    const run = await launch([], { DATA_DIR: dataDir, API_KEYS_FILE: join(dataDir, 'no-such-keys.json') });
    expect(run.code).toBe(1);
    expect(run.output).toContain('api exited with code 1 before it was ready');
    expect(run.output).toContain(`API_KEYS_FILE ${join(dataDir, 'no-such-keys.json')} cannot be read as JSON (ENOENT`);
    expect(run.output).toContain('Fix: point API_KEYS_FILE at a JSON list of keys');
    // One structured line from the API, not Nest's own stack print.
    expect(run.output).not.toContain('[ExceptionHandler]');
    // Temporal, the codec server and the sandbox were up (each answered its readiness probe) and were stopped.
    for (const part of ['temporal', 'codec', 'sandbox']) expect(run.output, part).toContain(`"name":"${part}"`);
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 120_000);

  /**
   * SIGKILLs the live processes of the run whose command line says `what` (as an OOM kill
   * would) and returns how many there were (called from an output handler: no expect there).
   */
  const killPart = (dataDir: string, what: string) => {
    const pids = processesMentioning(dataDir).filter((pid) => commandLine(pid).includes(what));
    pids.forEach((pid) => process.kill(pid, 'SIGKILL'));
    return pids.length;
  };
  const firstLineOf = (name: string) => (output: string) => output.includes(`"name":"${name}"`);

  it('a part killed while the stack starts (the Temporal server, once the sandbox starts): stops at once', async () => {
    const dataDir = scratchDir('killed-starting');
    let killed = 0;
    const run = await launch(
      [],
      { DATA_DIR: dataDir },
      {
        when: firstLineOf('sandbox'),
        act: () => (killed = killPart(dataDir, 'start-dev')),
      },
    );
    expect(killed, 'one dev server').toBe(1);
    expect(run.code).toBe(1);
    expect(run.output).toContain('npm start failed: while the stack was starting, temporal was killed by SIGKILL');
    expect(run.output).not.toContain('Stack is up');
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 120_000);

  it('a part killed once the stack is up (a worker): the launcher says which, stops the rest, exits 1', async () => {
    const dataDir = scratchDir('killed-up');
    let killed = 0;
    const run = await launch(
      [],
      { DATA_DIR: dataDir },
      {
        when: isUp,
        act: () => (killed = killPart(dataDir, 'src/worker/main.js')),
      },
    );
    expect(killed, 'one worker').toBe(1);
    expect(run.code).toBe(1);
    const report = run.output
      .split('\n')
      .find((line) => line.includes('worker was killed by SIGKILL; its last output'));
    expect(report, 'one line at error level').toContain('"level":50');
    expect(run.output).toContain('Stopping the stack: a part is gone');
    expect(run.output).toContain('"msg":"stopped"');
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 120_000);

  it('the production engine with another PostgreSQL password than its cluster was made with', async () => {
    const dataDir = scratchDir('password');
    // First a cluster made with one password: the engine comes up, its processes are seen, Ctrl-C.
    let commandsWhileUp = '';
    const first = await launch(
      ['temporal', '--temporal', 'postgres'],
      { DATA_DIR: dataDir, POSTGRES_PASSWORD: 'first-password' },
      {
        when: isUp,
        act: (launcher) => {
          commandsWhileUp = processesMentioning(dataDir).map(commandLine).join('\n');
          launcher.kill('SIGINT');
        },
      },
    );
    expect(first.code, first.output).toBe(0);
    for (const part of ['postgres -D', 'temporal-server', 'temporal-ui', 'codec-server/main.js'])
      expect(commandsWhileUp, part).toContain(part);
    expect(processesMentioning(dataDir)).toEqual([]);

    const run = await launch(['temporal', '--temporal', 'postgres'], {
      DATA_DIR: dataDir,
      POSTGRES_PASSWORD: 'second-password',
    });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`PostgreSQL in ${join(dataDir, 'postgres')} refused user "temporal"`);
    expect(run.output).toContain('Fix: set POSTGRES_PASSWORD to the password it was created with');
    // PostgreSQL had been started to check the password: it is stopped again.
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 400_000);
});

describe('the setup stops when a toolchain is missing or a build fails, and names the fix', () => {
  /** A copy of the project's setup scripts and pins, where nothing has been built yet. */
  const freshCopy = (name: string, files: string[]) => {
    const copy = scratchDir(name);
    for (const file of files) cpSync(join(root, file), join(copy, file), { recursive: true });
    return copy;
  };
  const engineSetup = ['scripts/setup-postgres-engine.mjs', 'scripts/long-step.mjs', 'deploy/temporal/versions.json'];

  it('no Go toolchain on PATH', async () => {
    const copy = freshCopy('no-go', engineSetup);
    const emptyPath = scratchDir('empty-path');
    const run = await runNode([join(copy, 'scripts/setup-postgres-engine.mjs')], { PATH: emptyPath });
    expect(run.code).toBe(1);
    expect(run.output).toContain('the Go toolchain is missing');
    expect(run.output).toContain('Fix: install Go 1.21 or newer');
  });

  it('a Go build that fails (the module proxy unreachable, nothing cached)', async () => {
    const copy = freshCopy('go-offline', engineSetup);
    const modCache = scratchDir('gomodcache');
    const run = await runNode([join(copy, 'scripts/setup-postgres-engine.mjs')], {
      GOPROXY: 'off',
      GOMODCACHE: modCache,
    });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/building temporal-server \(go install go\.temporal\.io\/server\/cmd\/server@v[\d.]+\)/);
    expect(run.output).toContain('Fix: check that the Go module proxy is reachable');
    expect(readdirSync(join(copy, '.tools', 'temporal-engine'))).not.toContain('temporal-server');
  }, 120_000);

  it('no Java (the Kafka broker) on PATH', async () => {
    const copy = freshCopy('no-java', ['scripts/setup-kafka.mjs', 'scripts/long-step.mjs', 'deploy/kafka/pom.xml']);
    const run = await runNode([join(copy, 'scripts/setup-kafka.mjs')], { PATH: scratchDir('empty-path') });
    expect(run.code).toBe(1);
    expect(run.output).toContain('`java -version` did not run');
    expect(run.output).toContain('Fix: install Java 17');
  });
});
