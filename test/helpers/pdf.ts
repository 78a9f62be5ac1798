/**
 * Reads PDFs back with pdf.js (`pdfjs-dist`, an npm package), so the tests need no system tool.
 * pdf.js is ESM only; the tests are compiled to CommonJS, so it is loaded with a real dynamic
 * `import()` (which the test runner's `--experimental-vm-modules` serves), not a `require`.
 */
type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

// A `Function` keeps TypeScript from rewriting `import()` into `require()` under CommonJS.
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<PdfJs>;
let loaded: Promise<PdfJs> | undefined;
const pdfjs = (): Promise<PdfJs> => (loaded ??= dynamicImport('pdfjs-dist/legacy/build/pdf.mjs'));

async function open(pdf: Uint8Array) {
  const lib = await pdfjs();
  // pdf.js may detach the buffer it is given: it gets a copy.
  return lib.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
}

/** The text of every page in order, a line break where pdf.js sees the end of a line. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const doc = await open(pdf);
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(text);
    }
    return pages.join('\n\f');
  } finally {
    await doc.destroy();
  }
}

/** The embedded files of a PDF, by file name. */
export async function pdfAttachments(pdf: Uint8Array): Promise<Map<string, Buffer>> {
  const doc = await open(pdf);
  try {
    const found = ((await doc.getAttachments()) ?? {}) as Record<string, { filename: string; content: Uint8Array }>;
    return new Map(Object.values(found).map((a) => [a.filename, Buffer.from(a.content)]));
  } finally {
    await doc.destroy();
  }
}
