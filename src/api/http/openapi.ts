import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

// The OpenAPI document is generated from the zod schemas the API validates with (zod's
// JSON Schema, input side): one source, so the spec and the validator cannot disagree.
// Every status a route can answer is listed on it with these decorators.

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

const jsonSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonSchema;

export const ApiZodBody = (schema: z.ZodType, required = true) => ApiBody({ schema: jsonSchema(schema), required });

export const ApiZodParam = (name: string, schema: z.ZodType) => ApiParam({ name, schema: jsonSchema(schema) });

/** One query parameter per property of the (object) schema. */
export function ApiZodQuery(schema: z.ZodObject) {
  const { properties = {}, required = [] } = jsonSchema(schema);
  return applyDecorators(
    ...Object.entries(properties).map(([name, property]) =>
      ApiQuery({ name, required: required.includes(name), schema: property }),
    ),
  );
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const PROBLEMS = {
  400: 'Invalid request; `errors` names each field',
  401: 'No or unknown API key; header `WWW-Authenticate: Bearer`',
  403: 'The API key lacks the scope, or is bound to another customer',
  404: "Unknown order (or another customer's, for a customer-bound key)",
  409: 'Conflict with the order as it stands',
  413: 'Body larger than 256 KiB',
  415: 'Body not `application/json`',
  429: 'Rate limit of the API key reached; header `Retry-After` (seconds)',
  503: 'Temporal unavailable; retry after `Retry-After` seconds',
} as const;
export type ProblemStatus = keyof typeof PROBLEMS;

/** The problem+json answers of a route; `conflict` explains its 409. */
export function ApiProblems(statuses: ProblemStatus[], conflict?: string) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: status === 409 && conflict ? conflict : PROBLEMS[status],
        content: { 'application/problem+json': { schema: problemSchema } },
      }),
    ),
  );
}
