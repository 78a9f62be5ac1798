import type { FastifyInstance, RouteHandlerMethod, RouteShorthandOptions } from 'fastify';
import type { Contract } from './contract';
import { requirePrincipal } from '../identity/auth';

/**
 * Registers a handler for an operation of openapi.yaml: method, path and every schema come
 * from the contract, so no route can drift from it. Operations the contract does not open to
 * anonymous callers (`security: []`) answer 401 to a request without credentials.
 */
export function operation(app: FastifyInstance, contract: Contract, operationId: string, handler: RouteHandlerMethod, options: RouteShorthandOptions = {}): void {
  const op = contract.operations.get(operationId);
  if (!op) throw new Error(`openapi.yaml has no operation ${operationId}`);
  const response: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(op.responses)) if (status.startsWith('2')) response[status] = schema;
  app.route({
    // Operations without `security: []` need a credential: 401 before the body is even validated.
    ...(op.public ? {} : { preValidation: async (request) => { requirePrincipal(request); } }),
    ...options,
    method: op.method,
    url: op.url,
    schema: {
      ...(op.body ? { body: op.body } : {}),
      ...(op.querystring ? { querystring: op.querystring } : {}),
      ...(op.params ? { params: op.params } : {}),
      response,
    },
    config: { operationId, idempotent: op.idempotent },
    handler,
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The openapi.yaml operation a route serves. */
    operationId?: string;
    /** false: a documentation route outside the API contract. */
    contract?: boolean;
    /** The operation takes `Idempotency-Key` (openapi.yaml declares the header). */
    idempotent?: boolean;
  }
}
