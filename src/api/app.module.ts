import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { logLevel } from '../config/service';
import { logBase } from '../telemetry/logger';
import { workflowIdFor } from '../shared/order-contract';
import { HealthModule } from './health/health.module';
import { OrdersModule } from './orders/orders.module';
import { TelemetryModule } from './telemetry.module';
import { TemporalModule } from './temporal.module';

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: {
        level: logLevel(),
        // As on the lines of the API's Temporal connection and the worker's.
        base: logBase('api'),
        // A bearer secret must never reach a log line. Bodies (payment token, address) are
        // not logged at all.
        redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
        // Each request line carries the order it is about, when the URL names one.
        customProps: (req) => {
          const orderId = /^\/orders\/([^/?]+)/.exec(req.url ?? '')?.[1];
          return orderId ? { orderId, workflowId: workflowIdFor(orderId) } : {};
        },
        autoLogging: { ignore: (req) => ['/health', '/ready', '/metrics'].includes(req.url ?? '') },
      },
    }),
    PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }),
    TemporalModule,
    TelemetryModule,
    HealthModule,
    OrdersModule,
  ],
})
export class AppModule {}
