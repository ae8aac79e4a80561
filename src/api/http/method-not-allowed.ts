import type { FastifyInstance } from 'fastify';

// 405 with Allow for a known path asked with a method it does not serve (Fastify alone
// answers 404, as if the path did not exist). Call before the routes are registered.
export function answerMethodNotAllowed(fastify: FastifyInstance): void {
  const methodsByPath = new Map<RegExp, Set<string>>();
  const patterns = new Map<string, RegExp>();
  fastify.addHook('onRoute', (route) => {
    let pattern = patterns.get(route.url);
    if (!pattern) {
      const source = route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
      pattern = new RegExp(`^${source}/?$`);
      patterns.set(route.url, pattern);
      methodsByPath.set(pattern, new Set());
    }
    for (const method of [route.method].flat()) methodsByPath.get(pattern)!.add(method);
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0]!;
    const allowed = [...methodsByPath].filter(([pattern]) => pattern.test(path)).flatMap(([, methods]) => [...methods]);
    if (allowed.length === 0) return;
    const allow = [...new Set(allowed)].sort().join(', ');
    await reply
      .status(405)
      .header('allow', allow)
      .header('content-type', 'application/problem+json')
      .send({
        type: 'about:blank',
        title: 'method not allowed',
        status: 405,
        detail: `${request.method} is not served on ${path}; use ${allow}`,
      });
  });
}
