import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTemporalUnavailable } from '../../temporal/workflow-reads';

// Every error leaves the API as RFC 9457 problem+json. Client mistakes keep their 4xx
// status; anything unexpected is logged and answered 500 without internals.

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const problem = this.toProblem(exception, request);
    if (problem.status === 503) void reply.header('retry-after', '1');
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(exception: unknown, request: FastifyRequest): Problem {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const body = typeof response === 'object' ? (response as Record<string, unknown>) : { detail: response };
      const { message, error: _error, statusCode: _code, ...rest } = body;
      return {
        ...rest,
        type: 'about:blank',
        title: titleOf(status),
        status,
        detail:
          typeof rest.detail === 'string'
            ? rest.detail
            : Array.isArray(message)
              ? message.join('; ')
              : String(message ?? exception.message),
      };
    }
    // Fastify's own client errors (malformed JSON, unsupported media type, body too large).
    const fastifyStatus = (exception as { statusCode?: number }).statusCode;
    if (fastifyStatus && fastifyStatus >= 400 && fastifyStatus < 500) {
      return {
        type: 'about:blank',
        title: titleOf(fastifyStatus),
        status: fastifyStatus,
        detail: (exception as Error).message,
      };
    }
    if (isTemporalUnavailable(exception)) {
      this.logger.warn({ err: exception, url: request.url }, 'Temporal unavailable');
      return {
        type: 'about:blank',
        title: 'service unavailable',
        status: 503,
        detail: 'Temporal is unavailable; retry the request',
      };
    }
    this.logger.error({ err: exception, url: request.url }, 'unhandled error');
    return {
      type: 'about:blank',
      title: 'internal server error',
      status: 500,
      detail: 'unexpected error; see the API logs',
    };
  }
}

const titleOf = (status: number) => HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error';
