// The API's connection to Temporal: the SDK's Rust-based NativeConnection, whose gRPC runs on
// the core's own threads instead of the API's event loop (@grpc/grpc-js), connected on first
// use: NativeConnection.connect needs a reachable server, and the API must start, and answer
// /health, without one. A failed connect is answered like an unreachable server (UNAVAILABLE,
// so a 503) and tried again by the next call.
import { Metadata as GrpcMetadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ConnectionLike, Metadata, OperatorService, WorkflowService } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';

export class LazyNativeConnection implements ConnectionLike {
  readonly workflowService = this.lazyService('workflowService') as WorkflowService;
  readonly operatorService = this.lazyService('operatorService') as OperatorService;
  readonly plugins = [];
  private connection?: Promise<NativeConnection>;

  constructor(private readonly options: NativeConnectionOptions) {}

  async ensureConnected(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    const connection = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    await connection?.close();
  }

  async withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return (await this.connect()).withDeadline(deadline, fn);
  }

  async withMetadata<R>(metadata: Metadata, fn: () => Promise<R>): Promise<R> {
    return (await this.connect()).withMetadata(metadata, fn);
  }

  /** NativeConnection does not cancel calls on an abort signal yet (an SDK TODO); the API uses deadlines. */
  async withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return (await this.connect()).withAbortSignal(signal, fn);
  }

  private connect(): Promise<NativeConnection> {
    this.connection ??= NativeConnection.connect(this.options).catch((err: Error) => {
      this.connection = undefined;
      // Shaped like a failed gRPC call, which the client and isTemporalUnavailable know.
      throw Object.assign(new Error(`Temporal is unreachable: ${err.message}`, { cause: err }), {
        code: GrpcStatus.UNAVAILABLE,
        details: err.message,
        metadata: new GrpcMetadata(),
      });
    });
    return this.connection;
  }

  /** The service's methods, each waiting for the connection, then calling the real one. */
  private lazyService(name: 'workflowService' | 'operatorService') {
    return new Proxy(
      {},
      {
        // Not a thenable: awaiting the service itself must not call a method named `then`.
        get: (_, method) => {
          if (typeof method !== 'string' || method === 'then') return undefined;
          return async (request: unknown) => {
            const service = (await this.connect())[name] as unknown as Record<string, (r: unknown) => Promise<unknown>>;
            return service[method](request);
          };
        },
      },
    );
  }
}
