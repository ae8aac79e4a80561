import { execFile, spawnSync } from 'node:child_process';
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
const root = projectRoot(__dirname);

/** Runs the chaos tool; its last line is the audit as one JSON object, its progress is on stderr. */
async function chaos(args: string[]) {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [join(root, 'dist', 'bench', 'chaos.js'), ...args],
    { timeout: 300_000 },
  ).catch((err) => err);
  const last: string = stdout.trim().split('\n').at(-1) ?? '';
  // A run that died before its report: show why (its errors and progress are on stderr).
  if (!last.startsWith('{'))
    throw new Error(`chaos printed no report; its stderr ends:\n${String(stderr).slice(-3_000)}`);
  const report = JSON.parse(last);
  if (!report.ok) console.log(stdout); // the run's own account of what broke
  for (const key of VIOLATIONS) expect(report[key], key).toBe(0);
  return { report, stderr: stderr as string };
}

describe('chaos run, small configuration', () => {
  it('loses no order and duplicates no effect', async () => {
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
    const { report, stderr } = await chaos(args);
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

  // Through Kafka (the broker from Maven jars needs Java and Maven): consumers killed and
  // rebalanced, the broker restarted, the topic replayed from 0 after Temporal forgot some
  // orders; the events on order-events audited too. Not on the production engine: the
  // Kafka path does not depend on it.
  const canKafka = spawnSync('java', ['-version']).status === 0 && spawnSync('mvn', ['-v']).status === 0;
  it.skipIf(postgres || !canKafka)(
    'through Kafka: loses no order, duplicates no effect, misses no event',
    async () => {
      const { report } = await chaos([
        ...['--source', 'kafka', '--orders', '20', '--duplicates', '3', '--worker-kills', '1'],
        ...['--forget', '0.2', '--deadline-s', '240'],
      ]);
      expect(report.ordersInTemporal).toBe(20);
      expect(report.chaos).toMatchObject({
        messagesProduced: 60,
        ingestKills: 2,
        rebalancesByJoinOrLeave: 2,
        workerKills: 1,
        brokerRestarts: 1,
        forgotten: 4,
        replayedFromOffset0: 60,
        deadLetteredNotForConflict: 0,
      });
      expect(report.events).toMatchObject({
        ordersWithoutEvents: 0,
        ordersMissingFinalEvent: 0,
        ordersWithEventsOutOfOrder: 0,
        eventsWithWrongIdOrKey: 0,
        eventsOfUnknownOrders: 0,
      });
      // The replay republished the forgotten orders' events: repeats, each dropped by its ID.
      expect(report.events.eventsPublished).toBeGreaterThan(report.events.eventsDistinct);
      expect(report.ok).toBe(true);
    },
    320_000,
  );
});
