import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { rateLimitConfig } from '../../config/service';
import { ApiKeyGuard, type AuthenticatedRequest } from './api-key.guard';
import { ApiKeys, apiKeysFromEnv } from './api-keys';

/**
 * API keys and their rate limit. The limit counts per key (ApiKeyGuard runs first and names
 * it), over all routes together, in this process's memory: with N API replicas a key may
 * make up to N times the limit.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      useFactory: () => {
        const { limit, windowMs } = rateLimitConfig();
        return {
          throttlers: [{ limit, ttl: windowMs }],
          // Only on routes behind ApiKeyGuard, which has set the key.
          getTracker: (req) => (req as AuthenticatedRequest).apiKey!.id,
          generateKey: (_context, tracker, name) => `${name}:${tracker}`,
        };
      },
    }),
  ],
  providers: [{ provide: ApiKeys, useFactory: () => apiKeysFromEnv() }, ApiKeyGuard],
  exports: [ApiKeys, ApiKeyGuard, ThrottlerModule],
})
export class AuthModule {}
