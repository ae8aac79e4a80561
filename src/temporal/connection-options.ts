import { readFileSync } from 'node:fs';
import type { TemporalConfig } from '../config/service';

// Address, TLS and API key for both the client (API) and the native connection (worker):
// the local dev server, a self-hosted cluster with mTLS, or Temporal Cloud with an API key.
export function connectionOptions(config: TemporalConfig) {
  const clientCertPair =
    config.tlsCertPath && config.tlsKeyPath
      ? { crt: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath) }
      : undefined;
  return {
    address: config.address,
    tls: config.tls ? { clientCertPair } : false,
    apiKey: config.apiKey,
  };
}
