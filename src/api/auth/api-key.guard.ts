import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiPrincipal, ApiKeys } from './api-keys';
import { REQUIRED_SCOPE, type Scope } from './scopes';

export type AuthenticatedRequest = FastifyRequest & { apiKey?: ApiPrincipal };

/**
 * Bearer API keys (RFC 6750): no or an unknown key is 401 with WWW-Authenticate, a key
 * without the route's scope 403. The key is left on the request for the rate limiter
 * (per key) and the handlers (customer binding).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeys,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers.authorization;
    const secret = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    const principal = secret === undefined ? undefined : this.keys.authenticate(secret);
    if (!principal) {
      void reply.header(
        'www-authenticate',
        header ? 'Bearer realm="orders", error="invalid_token"' : 'Bearer realm="orders"',
      );
      throw new UnauthorizedException({
        detail: header ? 'unknown or malformed API key' : 'send Authorization: Bearer <API key>',
      });
    }
    const scope = this.reflector.get<Scope | undefined>(REQUIRED_SCOPE, context.getHandler());
    if (scope && !principal.scopes.includes(scope)) {
      throw new ForbiddenException({ detail: `API key ${principal.id} lacks the scope ${scope}` });
    }
    request.apiKey = principal;
    return true;
  }
}
