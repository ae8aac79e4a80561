import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { ApiPrincipal } from './api-keys';
import type { AuthenticatedRequest } from './api-key.guard';

/** The API key the request was authenticated with (set by ApiKeyGuard). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): ApiPrincipal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey;
  if (!principal) throw new Error('@Caller() on a route without ApiKeyGuard');
  return principal;
});
