import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { VIOLATIONS } from '../../bench/audit';
import { projectRoot } from '../../src/stack/stack';

// A small chaos run (its own stack): duplicates, conflicting bodies, all sandbox faults,
// worker SIGKILLs, a Temporal server restart, provider keys expiring, forgotten orders
// submitted again, resets and a terminate; the audit's JSON line must show no breach.
// On the production engine (npm run test:postgres): two workers, two API replicas, and
// PostgreSQL restarted too.
const postgres = inject('engine') === 'postgres';

describe('chaos run, small configuration', () => {
  it('loses no order and duplicates no effect', async () => {
    const root = projectRoot(__dirname);
    const args = [
      '--orders',
      '30',
      '--duplicates',
      '3',
      '--worker-kills',
      '2',
      '--server-restarts',
      '1',
      '--forget',
      '0.1',
      '--resets',
      '0.1',
      '--deadline-s',
      '240',
    ];
    if (postgres) args.push('--temporal', 'postgres', '--workers', '2', '--apis', '2', '--postgres-restarts', '1');
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'dist', 'bench', 'chaos.js'), ...args],
      { timeout: 300_000 },
    ).catch((err) => err);
    const report = JSON.parse(stdout.trim().split('\n').at(-1));
    if (!report.ok) console.log(stdout); // the run's own account of what broke
    for (const key of VIOLATIONS) expect(report[key], key).toBe(0);
    expect(report.ordersInTemporal).toBe(31); // 30 and the one an operator terminates
    expect(report.ordersTerminal).toBe(31);
    expect(report.chaos).toMatchObject({
      workerKills: 2,
      serverRestarts: 1,
      postgresRestarts: postgres ? 1 : 0,
      unanswered: 0,
    });
    expect(report.chaos).toMatchObject({ terminated: 1, reconcileFixed: 1, imbalancesNotFromTheTerminate: 0 });
    expect(report.chaos.forgottenResubmitted).toBeGreaterThanOrEqual(1);
    expect(report.chaos.resets).toBeGreaterThanOrEqual(1);
    expect(report.chaos.replayed200).toBeGreaterThan(0);
    expect(report.ok).toBe(true);
    // Not a terminal: the progress is plain lines on stderr, stdout ends with the report.
    expect(stderr).toMatch(/^chaos: submitting each order 3 times, 30\/30 orders \(100%\), /m);
    expect(stderr).toMatch(/^chaos: waiting for every order to end, (\d+)\/\1 orders \(100%\)/m);
    expect(stderr).toMatch(/^chaos: auditing the ledgers, \d+s elapsed$/m);
  }, 320_000);
});
