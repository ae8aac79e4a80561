import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that is free right now, below Linux's ephemeral range (see
 * freePortBlock): a port the kernel picked for us (listen on 0) is one it may hand to an
 * outgoing connection before our part binds it, as happened to a sandbox in CI (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  return freePortBlock(1);
}

/** Throws a clear error if `port` on 127.0.0.1 is taken (another stack still running, say). */
export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} for ${what} is in use on 127.0.0.1: is another stack running? (see README, Configuration)`,
            )
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/**
 * `count` consecutive ports on 127.0.0.1 that are free right now, below Linux's ephemeral
 * range (32768+): a process restarted mid-run (the chaos run restarts the Temporal server)
 * gets its ports back, as no outgoing connection can have borrowed one meanwhile.
 */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(
      ports.map((port) =>
        assertPortFree(port, 'probe').then(
          () => true,
          () => false,
        ),
      ),
    );
    if (free.every(Boolean)) return base;
  }
  throw new Error(`found no ${count} consecutive free ports on 127.0.0.1`);
}
