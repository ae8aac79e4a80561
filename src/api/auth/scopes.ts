import { SetMetadata } from '@nestjs/common';

// What an API key may do. A route names the one scope it needs with @RequireScope.
export const SCOPES = ['orders:write', 'orders:read', 'orders:cancel'] as const;
export type Scope = (typeof SCOPES)[number];

export const REQUIRED_SCOPE = 'requiredScope';
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);
