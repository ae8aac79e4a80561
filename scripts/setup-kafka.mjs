#!/usr/bin/env node
// Copies Apache Kafka's jars (KRaft broker, Java 17) and a logger from Maven Central into
// .tools/kafka/lib with Maven, as listed in deploy/kafka/pom.xml. Once: a stamp holding the
// pom's Kafka version makes later runs a no-op until the pin changes.
// Run by scripts/setup.mjs --kafka and by the Kafka ingest test's setup.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLong } from './long-step.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pom = join(root, 'deploy', 'kafka', 'pom.xml');
const version = readFileSync(pom, 'utf8').match(/<artifactId>kafka_2\.13<\/artifactId>\s*<version>([^<]+)</)[1];
const dir = join(root, '.tools', 'kafka');
const stamp = join(dir, 'kafka.version');

if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === version)) {
  for (const [bin, arg] of [
    ['java', '-version'],
    ['mvn', '-v'],
  ]) {
    try {
      execFileSync(bin, [arg], { stdio: 'ignore' });
    } catch {
      console.error(
        `[setup] Kafka ${version} needs Java 17 (to run the broker) and Maven (once, to fetch its jars): \`${bin} ${arg}\` did not run (is it on PATH?). ` +
          'Fix: install Java 17 and Maven (Debian: apt-get install openjdk-17-jre-headless maven), then run the command again.',
      );
      process.exit(1);
    }
  }
  // A half-copied folder from an interrupted run is not reused.
  rmSync(join(dir, 'lib'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    await runLong(`Kafka ${version}: mvn dependency:copy-dependencies into ${join(dir, 'lib')}`, 'mvn', [
      '-q',
      '-B',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(dir, 'lib')}`,
      '-DincludeScope=runtime',
    ]);
  } catch (err) {
    if (err.output) console.error(err.output);
    console.error(`[setup] Kafka ${version}: ${err.message}; check that Maven Central is reachable`);
    process.exit(1);
  }
  writeFileSync(stamp, version);
}
