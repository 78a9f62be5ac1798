import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Block, ReportModel } from './assessment';

/** The name of the JSON record attached to every report. */
export const RECORD_ATTACHMENT = 'report-record.json';

let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** DejaVu Sans (regular and bold), read once: it covers Latin and Cyrillic. */
function dejavu(): { regular: Buffer; bold: Buffer } {
  if (!fonts) {
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fonts = { regular: readFileSync(join(dir, 'DejaVuSans.ttf')), bold: readFileSync(join(dir, 'DejaVuSans-Bold.ttf')) };
  }
  return fonts;
}

const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';
const GREY = '#555555';

/**
 * Renders a report model to PDF bytes. Every text is in DejaVu Sans (embedded, subset), the
 * record is attached as `report-record.json` and its hash is in the metadata; the creation
 * date comes from the model, so the same model gives the same bytes.
 */
export function renderReportPdf(model: ReportModel): Promise<Buffer> {
  const { regular, bold } = dejavu();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    bufferPages: true,
    pdfVersion: '1.7',
    lang: model.lang,
    displayTitle: true,
    font: regular as unknown as string,
    info: {
      Title: model.title,
      Subject: `${model.record.format} ${model.recordHash}`,
      Keywords: `record-sha256=${model.recordHash}; verification=${model.verificationUrl}`,
      Creator: 'medai-risk',
      Producer: 'medai-risk (PDFKit)',
      CreationDate: model.createdAt,
      ModDate: model.createdAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);

  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  doc.font(BOLD).fontSize(18).text(model.title, { width });
  doc.moveDown(0.3);
  doc.font(REGULAR).fontSize(10).fillColor(GREY).text(model.subtitle, { width });
  doc.fillColor('black');

  for (const section of model.sections) {
    doc.moveDown(1);
    if (doc.y > doc.page.height - doc.page.margins.bottom - 80) doc.addPage();
    doc.font(BOLD).fontSize(13).text(section.heading, left, doc.y, { width });
    doc.moveDown(0.3);
    for (const block of section.blocks) renderBlock(doc, block, left, width);
  }

  doc.file(Buffer.from(model.recordJson, 'utf8'), {
    name: RECORD_ATTACHMENT,
    type: 'application/json',
    description: `${model.record.format}; ${model.recordHash}`,
    creationDate: model.createdAt,
    modifiedDate: model.createdAt,
    // pdfkit 0.20 takes the PDF 2.0 AFRelationship; @types/pdfkit does not know it yet.
    relationship: 'Data',
  } as PDFKit.Mixins.PDFAttachmentOptions);

  // Page numbers, once the number of pages is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(REGULAR).fontSize(8).fillColor(GREY)
      .text(`${model.pageLabel} ${i + 1} / ${range.count} · ${model.recordHash}`, left, doc.page.height - 36, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('black');
  doc.end();
  return done;
}

function renderBlock(doc: PDFKit.PDFDocument, block: Block, left: number, width: number): void {
  switch (block.kind) {
    case 'subheading':
      doc.moveDown(0.4);
      doc.font(BOLD).fontSize(10.5).text(block.text, left, doc.y, { width });
      doc.moveDown(0.2);
      return;
    case 'text':
      doc.font(REGULAR).fontSize(9.5).text(block.text, left, doc.y, { width });
      return;
    case 'list':
      doc.font(REGULAR).fontSize(9);
      for (const item of block.items) doc.text(`•  ${item}`, left + 8, doc.y, { width: width - 8 });
      return;
    case 'fields':
      // One flow per row ("Label: value"), so text extraction keeps each label with its value.
      for (const [name, value] of block.rows) {
        doc.font(BOLD).fontSize(9.5).text(`${name}: `, left, doc.y, { width, continued: true });
        doc.font(REGULAR).text(value || ' ');
        doc.moveDown(0.1);
      }
      return;
  }
}
