// The HTTP API process: NestJS on Fastify.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { Runtime } from '@temporalio/worker';
import { apiConfig, logLevel } from '../config/service';
import { startTracing } from '../telemetry/tracing';
import { PinoTemporalLogger, createPino } from '../telemetry/logger';
import { runtimeOptions } from '../telemetry/temporal-runtime';
import { AppModule } from './app.module';
import { answerMethodNotAllowed } from './http/method-not-allowed';
import { ProblemFilter } from './http/problem.filter';
import { recordRequestMetrics } from './http/request-metrics';

const pino = createPino('api', logLevel());

async function main() {
  // Before anything creates a tracer: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const tracing = startTracing('orders-api');
  // The Rust core under the Temporal connection (src/temporal/lazy-native-connection.ts): its
  // logs in the same JSON stream, no metrics exporter, and no signal handlers of its own
  // (Nest's shutdown hooks below own SIGTERM and SIGINT).
  const logger = new PinoTemporalLogger(pino);
  Runtime.install({
    ...runtimeOptions({ logger, level: pino.level, metricsHost: '', metricsPort: 0 }, false),
    shutdownSignals: [],
  });
  const { host, port } = apiConfig();
  const adapter = new FastifyAdapter({ bodyLimit: 256 * 1024 });
  answerMethodNotAllowed(adapter.getInstance());
  // A module that cannot be built (a bad API_KEYS_FILE, say) is logged below as one pino line:
  // abortOnError off makes create() reject instead of exiting the process, and logger off keeps
  // Nest's own coloured print of the error out of the stream. Nest's start-up lines are buffered
  // and go to pino once it is attached (flushed at listen); on a failure they are dropped.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
    logger: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemFilter());
  // Only the signals that mean "stop": Nest's default list also takes SIGUSR2 (and SIGHUP,
  // SIGQUIT...) as a shutdown, which would close the API on `--heapsnapshot-signal=SIGUSR2`.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  if (tracing) app.get(Logger).log(`OpenTelemetry tracing to ${tracing.endpoint} as ${tracing.serviceName}`);
  recordRequestMetrics(app.getHttpAdapter().getInstance());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Orders')
      .setDescription('Orders processed by durable Temporal workflows with exactly-once payment and shipping effects.')
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'An API key from API_KEYS_FILE (npm start: .data/api-key)',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  await app.listen(port, host);
  app.get(Logger).log(`API listening on http://${host}:${port} (OpenAPI docs at /docs)`);
}

main().catch((err) => {
  pino.fatal({ err }, 'API failed to start');
  process.exit(1);
});
