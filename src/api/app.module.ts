import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { logLevel } from '../shared/config';
import { workflowIdFor } from '../shared/order-contract';
import { shutdownTracing } from '../telemetry/tracing';
import { AuthModule } from './auth/auth.module';
import { HealthController } from './health/health.controller';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { TemporalModule } from './temporal.module';

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: {
        level: logLevel(),
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
    TerminusModule,
    PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }),
    TemporalModule,
    AuthModule,
  ],
  controllers: [OrdersController, HealthController],
  providers: [
    OrdersService,
    // Pending spans are exported before the process exits (a no-op unless tracing is on).
    { provide: 'TRACING_SHUTDOWN', useValue: { onApplicationShutdown: shutdownTracing } },
  ],
})
export class AppModule {}
