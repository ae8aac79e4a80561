import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { type TemporalConfig, temporalConfig, tracingConfig } from '../config/service';
import { encryptingDataConverter } from '../temporal/codec/data-converter';
import { connectionOptions } from '../temporal/connection-options';
import { LazyNativeConnection } from '../temporal/lazy-native-connection';

export const TEMPORAL_CONFIG = Symbol('TEMPORAL_CONFIG');

// One Temporal client for the API process, on a connection made at first use, so the API
// starts (and answers /health) before Temporal is reachable; /ready tells whether it is.
@Injectable()
export class TemporalClient extends Client implements OnApplicationShutdown {
  private readonly lazyConnection: LazyNativeConnection;

  constructor(@Inject(TEMPORAL_CONFIG) readonly config: TemporalConfig) {
    const connection = new LazyNativeConnection(connectionOptions(config));
    super({
      connection,
      namespace: config.namespace,
      // Orders carry a payment token and an address: encrypted before they leave the process.
      dataConverter: encryptingDataConverter(),
      // With tracing on (src/telemetry/tracing.ts), workflow starts, updates and queries get
      // spans whose context travels to the worker in the workflow's headers.
      interceptors: tracingConfig().enabled ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined,
    });
    this.lazyConnection = connection;
  }

  /** Throws unless the Temporal frontend answers. */
  async ping(): Promise<void> {
    await this.lazyConnection.ensureConnected();
    await this.workflowService.getSystemInfo({});
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lazyConnection.close();
  }
}

@Global()
@Module({
  providers: [{ provide: TEMPORAL_CONFIG, useFactory: () => temporalConfig() }, TemporalClient],
  exports: [TemporalClient],
})
export class TemporalModule {}
