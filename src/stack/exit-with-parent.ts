// Preloaded (`node --require`) into the services the stack launcher starts: when the
// launcher dies without stopping them (killed, crashed test runner), its end of our stdin
// pipe closes and we shut down as on SIGTERM instead of living on as orphans.
// Only in the main thread: worker threads (the Temporal worker's workflow threads) run
// preloads too, with a stdin of their own that ends at once.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.resume();
  // Watching stdin must not keep a service alive that has finished shutting down.
  (process.stdin as NodeJS.ReadStream & { unref?: () => void }).unref?.();
}
