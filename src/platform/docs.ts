import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Contract } from './contract';

/** `/openapi.json` serves the contract; `/docs` renders it (Swagger UI, assets from npm). */
export async function docsRoutes(app: FastifyInstance, deps: { contract: Contract }): Promise<void> {
  app.get('/openapi.json', { config: { contract: false } }, async () => deps.contract.document);
  await app.register(async (scope) => {
    await scope.register(swagger, { mode: 'static', specification: { document: deps.contract.document as never } });
    // A Content-Security-Policy on /docs: the UI's own scripts and styles only (their inline parts by
    // hash), no plugins, no framing by other sites. Served over plain http too, so requests are not upgraded.
    await scope.register(swaggerUi, {
      routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false },
      staticCSP: true, transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
    });
  });
}
