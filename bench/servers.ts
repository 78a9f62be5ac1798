/**
 * The two servers the benchmark compares, in a process of their own: the real service (all rule
 * packs loaded, embedded database in a temp dir) and a bare Fastify route that validates the
 * same profile against the same schema and echoes it back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { loadContract, newAjv } from '../src/platform/contract';

async function main() {
  const service = await buildApp(loadConfig({ LOG_LEVEL: 'warn', DATA_DIR: mkdtempSync(join(tmpdir(), 'medai-bench-')) }));
  await service.listen({ port: 0, host: '127.0.0.1' });

  const echo = Fastify({ logger: false });
  const ajv = newAjv(false);
  echo.setValidatorCompiler(({ schema }) => {
    const v = ajv.compile(schema);
    return (data: unknown) => (v(data) ? { value: data } : { error: new Error('invalid') });
  });
  const profileSchema = loadContract().schema('Profile');
  echo.post('/echo', { schema: { body: profileSchema, response: { 200: profileSchema } } }, async (req) => req.body);
  await echo.listen({ port: 0, host: '127.0.0.1' });

  const port = (a: { server: { address: () => unknown } }) => (a.server.address() as { port: number }).port;
  process.send!({ service: port(service), echo: port(echo) });
  process.on('message', async () => {
    await Promise.all([service.close(), echo.close()]);
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
