import { threadId } from 'node:worker_threads';
import type { ReportModel } from './assessment';
import { renderReportPdf } from './pdf';

/** A worker thread of the PDF pool (src/reports/pdf-pool.ts): renders one report. */
export default async function render(model: ReportModel): Promise<{ pdf: Uint8Array; threadId: number }> {
  return { pdf: await renderReportPdf(model), threadId };
}
