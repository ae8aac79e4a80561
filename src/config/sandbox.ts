// The sandbox providers' settings. The sandbox stands for the outside world: this file
// imports nothing of the service, only the variable readers.
import { join } from 'node:path';
import { type Env, int, optional, port, str } from './env-values';

export function sandboxConfig(env: Env = process.env) {
  // A provider's own fault variable wins over the shared one; errors name the provider's.
  const faults = (name: string) => ({ name, json: optional(env, name) ?? optional(env, 'SANDBOX_FAULTS') });
  return {
    host: str(env, 'SANDBOX_HOST', '127.0.0.1'),
    dataDir: str(env, 'SANDBOX_DATA_DIR', join(process.cwd(), '.data')),
    /**
     * Unset: keys never expire. Set (seconds): a repeated key after that is a new request, as
     * with Stripe after 24 hours.
     */
    keyTtlS: optional(env, 'IDEMPOTENCY_KEY_TTL_S') === undefined ? undefined : int(env, 'IDEMPOTENCY_KEY_TTL_S', 0),
    logLevel: str(env, 'LOG_LEVEL', 'warn'),
    payments: { port: port(env, 'PAYMENTS_PORT', 4001), faults: faults('PAYMENTS_FAULTS') },
    shipping: { port: port(env, 'SHIPPING_PORT', 4002), faults: faults('SHIPPING_FAULTS') },
  };
}
