// Activity interceptor that logs, at INFO, each activity that completed: every payment and
// shipping effect leaves one line with its workflowId/orderId, activity type and attempt.
// (The SDK itself logs starts and completions at DEBUG only, and failed attempts at WARN.)
import type { Context } from '@temporalio/activity';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  Next,
} from '@temporalio/worker';

export class ActivityCompletionLogInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const started = process.hrtime.bigint();
    const result = await next(input);
    const durationMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
    this.ctx.log.info('Activity completed', { durationMs });
    return result;
  }
}

export const activityCompletionLogging: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new ActivityCompletionLogInterceptor(ctx),
});
