import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Piscina from 'piscina';
import type { ReportModel } from './assessment';

/**
 * PDF rendering (≈ 150 ms of CPU a report) in worker threads (piscina), off the event loop.
 * The queue is bounded by the report limits in front of it (REPORTS_IN_FLIGHT). Run from
 * compiled code the worker is `pdf-worker.js`; run from TypeScript sources (tests, `npm run
 * dev`) it is `pdf-worker.ts`, loaded through tsx.
 */
export function createPdfPool(options: { threads?: number; maxQueue: number }) {
  const compiled = __filename.endsWith('.js');
  const pool = new Piscina({
    filename: join(__dirname, compiled ? 'pdf-worker.js' : 'pdf-worker.ts'),
    minThreads: 0,
    maxThreads: options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
    maxQueue: options.maxQueue,
    idleTimeout: 30_000,
    execArgv: compiled ? [] : ['--import', 'tsx'],
  });
  return {
    async render(model: ReportModel): Promise<Buffer> {
      return Buffer.from((await this.renderWithThread(model)).pdf);
    },
    async renderWithThread(model: ReportModel): Promise<{ pdf: Uint8Array; threadId: number }> {
      return pool.run(model);
    },
    close: () => pool.destroy(),
  };
}
export type PdfPool = ReturnType<typeof createPdfPool>;
