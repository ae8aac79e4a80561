import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';

// API request counts and latencies for Prometheus, labelled by route pattern (not raw
// URL, to keep the label set small).
const requestSeconds = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'API request latency by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export function recordRequestMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requestSeconds.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
