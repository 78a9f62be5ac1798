import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { RuleLoadError } from './rulesets/registry';
import { DatabaseLockedError } from './platform/embedded';

/** Reads the config, builds the app, listens, and closes gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let app;
  try {
    const config = loadConfig();
    app = await buildApp(config);
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof RuleLoadError || err instanceof DatabaseLockedError) {
      process.stderr.write(`medai-risk cannot start: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      const timer = setTimeout(() => process.exit(1), 10_000);
      timer.unref();
      app.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

main().catch((err) => {
  process.stderr.write(`medai-risk failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
