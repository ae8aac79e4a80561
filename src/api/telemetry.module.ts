import { Module } from '@nestjs/common';
import { shutdownTracing } from '../telemetry/tracing';

/** Exports pending spans before the process exits (a no-op unless tracing is on). */
@Module({
  providers: [{ provide: 'TRACING_SHUTDOWN', useValue: { onApplicationShutdown: shutdownTracing } }],
})
export class TelemetryModule {}
