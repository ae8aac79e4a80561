#!/usr/bin/env node
// Installs what `npm start -- --temporal postgres` needs, idempotently, and says exactly
// what is missing when it cannot: Debian's PostgreSQL (apt), and the Temporal server,
// temporal-sql-tool and the Temporal UI server built from their Go modules at the versions
// pinned in deploy/temporal/versions.json into .tools/temporal-engine/. Built once: a stamp
// holding the pins makes later runs a no-op until a pin changes. The Go build and module
// caches stay where Go keeps them by default, so a fresh clone on the same machine relinks
// in seconds instead of compiling for minutes.
// Run by scripts/setup.mjs --postgres and by the launcher itself (src/stack/engine-tools.ts),
// which reads the paths it writes to .tools/temporal-engine/paths.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLong } from './long-step.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pins = JSON.parse(readFileSync(join(root, 'deploy', 'temporal', 'versions.json'), 'utf8'));
const out = join(root, '.tools', 'temporal-engine');
const stamp = join(out, 'versions.json');

// Each `go install` names its binary after the package folder (`server` for both the
// Temporal server and the UI server), so each builds into a folder of its own and is renamed.
const builds = [
  { module: `go.temporal.io/server/cmd/server@v${pins.temporalServer}`, binary: 'server', as: 'temporal-server' },
  { module: `go.temporal.io/server/cmd/tools/sql@v${pins.temporalServer}`, binary: 'sql', as: 'temporal-sql-tool' },
  { module: `github.com/temporalio/ui-server/v2/cmd/server@v${pins.temporalUi}`, binary: 'server', as: 'temporal-ui' },
];

function fail(message) {
  console.error(`[setup] ${message}`);
  process.exit(1);
}

/** The newest PostgreSQL server Debian's packages installed, if any. */
function postgresBin() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
    : [];
  return versions.sort((a, b) => Number(b) - Number(a)).map((v) => join(base, v, 'bin'))[0];
}

function ensurePostgres() {
  if (postgresBin()) return;
  console.log("[setup] PostgreSQL is missing: installing Debian's postgresql with apt");
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-q', 'postgresql'], { stdio: 'inherit', env });
  } catch (err) {
    fail(
      `could not install PostgreSQL with apt-get (${err.message}). Fix: install Debian's \`postgresql\` package (as root: apt-get install postgresql), then run the command again.`,
    );
  }
  if (!postgresBin()) fail('apt-get installed postgresql but no server binary is under /usr/lib/postgresql/*/bin');
}

async function ensureTemporalBinaries() {
  const wanted = JSON.stringify(pins);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && builds.every((b) => existsSync(join(out, b.as))))
    return;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    fail(
      'the Go toolchain is missing (`go` is not on PATH). It is needed once, to build the pinned Temporal server and UI ' +
        `(${builds.map((b) => b.module).join(', ')}). Fix: install Go 1.21 or newer (https://go.dev/dl, or /usr/local/go/bin on PATH); ` +
        `it fetches ${pins.goToolchain} itself from the Go module proxy.`,
    );
  }
  console.log(
    `[setup] building the Temporal server ${pins.temporalServer} and UI ${pins.temporalUi} with ${pins.goToolchain} (minutes the first time, then cached)`,
  );
  const started = Date.now();
  rmSync(stamp, { force: true });
  for (const build of builds) {
    const gobin = join(out, `.build-${build.as}`);
    mkdirSync(gobin, { recursive: true });
    try {
      // GOTOOLCHAIN: the server's go.mod asks for a newer Go than Debian or an older install has.
      await runLong(`building ${build.as} (go install ${build.module})`, 'go', ['install', build.module], {
        env: { ...process.env, GOTOOLCHAIN: pins.goToolchain, GOBIN: gobin },
      });
    } catch (err) {
      if (err.output) console.error(err.output);
      fail(
        `${err.message}; its last lines are above. ` +
          'Fix: check that the Go module proxy is reachable (GOPROXY, default https://proxy.golang.org) and that the disk has a few GB free, then run the command again.',
      );
    }
    renameSync(join(gobin, build.binary), join(out, build.as));
    rmSync(gobin, { recursive: true, force: true });
  }
  writeFileSync(stamp, wanted);
  console.log(`[setup] Temporal binaries ready in ${out} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

ensurePostgres();
await ensureTemporalBinaries();
// Where everything is, for the launcher (src/stack/engine-tools.ts), so that finding
// PostgreSQL's binaries is done in one place.
const paths = { postgresBin: postgresBin(), ...Object.fromEntries(builds.map((b) => [b.as, join(out, b.as)])) };
writeFileSync(join(out, 'paths.json'), JSON.stringify(paths, null, 2));
