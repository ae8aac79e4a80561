// The codec server process: decrypts payloads for the Temporal UI and CLI. On loopback it
// answers anyone on this machine (like the dev server itself); on any other interface it
// refuses to start without CODEC_AUTH_TOKEN.
import { codecServerConfig } from '../config/service';
import { AesGcmCodec } from '../temporal/codec/aes-gcm-codec';
import { encryptionKeysFromEnv } from '../temporal/codec/encryption-keys';
import { codecServer } from './app';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

async function main() {
  const config = codecServerConfig();
  if (!LOOPBACK.test(config.host) && !config.authToken) {
    throw new Error(
      `CODEC_HOST=${config.host} is reachable from other machines: set CODEC_AUTH_TOKEN (docs/security.md)`,
    );
  }
  const app = await codecServer({
    codec: new AesGcmCodec(encryptionKeysFromEnv()),
    corsOrigins: config.corsOrigins,
    authToken: config.authToken,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  console.log(
    `codec server on ${address} (CORS: ${config.corsOrigins.join(', ')}; ${config.authToken ? 'bearer token required' : 'no token, loopback only'})`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void app.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
