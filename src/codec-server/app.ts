// Temporal's remote codec protocol: POST /encode and POST /decode with
// { payloads: [{ metadata: { key: base64 }, data: base64 }] }. The Temporal UI (from the
// browser, hence CORS) and the CLI (--codec-endpoint) show decrypted payloads through it.
import { createHash, timingSafeEqual } from 'node:crypto';
import cors from '@fastify/cors';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { payloadFromJson, payloadToJson } from '../temporal/codec/payload-json';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call (the Temporal UI's). */
  corsOrigins: string[];
  /** When set, every call needs `Authorization: Bearer <token>`. */
  authToken?: string;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const bodySchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});

const digest = (value: string) => createHash('sha256').update(value).digest();

export async function codecServer({ codec, corsOrigins, authToken }: CodecServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
  await app.register(cors, {
    origin: corsOrigins,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    credentials: true,
    maxAge: 600,
  });
  const expected = authToken === undefined ? undefined : digest(`Bearer ${authToken}`);
  app.addHook('onRequest', async (request, reply) => {
    if (!expected || request.method === 'OPTIONS') return;
    if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      await reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="codec"')
        .send({ message: 'codec server: send Authorization: Bearer <token>' });
    }
  });
  app.get('/health', async () => ({ status: 'ok' }));
  for (const [path, direction] of [
    ['/encode', 'encode'],
    ['/decode', 'decode'],
  ] as const) {
    app.post(path, async (request, reply) => {
      const body = bodySchema.safeParse(request.body);
      if (!body.success)
        return reply
          .status(400)
          .send({ message: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      try {
        return { payloads: (await codec[direction](body.data.payloads.map(payloadFromJson))).map(payloadToJson) };
      } catch (err) {
        // An unknown key ID or a tampered payload: the caller's input, not our fault.
        return reply.status(422).send({ message: (err as Error).message });
      }
    });
  }
  return app;
}
