import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Reads a PDF back for tests with pdf-parse 2: text per page, metadata, a page as PNG.
 *
 * pdf-parse (pdf.js) sets up its worker with a dynamic `import()`, which Jest's module sandbox
 * refuses without --experimental-vm-modules (a `new Function('s', 'return import(s)')` runs in
 * the same sandbox and fails the same way). So it runs in a plain Node child process: the PDF
 * goes in on stdin, JSON comes back on stdout.
 */
const SCRIPT = `
const { PDFParse } = await import(process.env.PDF_PARSE_URL);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
let out;
if (process.env.PDF_MODE === 'png') {
  const shot = await parser.getScreenshot({
    partial: [Number(process.env.PDF_PAGE)],
    scale: Number(process.env.PDF_SCALE),
  });
  out = { png: Buffer.from(shot.pages[0].data).toString('base64') };
} else {
  const text = await parser.getText();
  const info = await parser.getInfo();
  out = { text: text.text, pages: text.pages.map((p) => p.text), info: info.info ?? {} };
}
await parser.destroy();
process.stdout.write(JSON.stringify(out));
`;

function run(data: Buffer, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT],
      {
        env: {
          ...process.env,
          PDF_PARSE_URL: pathToFileURL(require.resolve('pdf-parse')).href,
          ...env,
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`pdf-parse failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
    child.stdin?.end(data);
  });
}

export interface ParsedPdf {
  /** All pages, NFC-normalised, pages joined by "-- n of N --" lines. */
  text: string;
  /** Each page's text, NFC-normalised. */
  pages: string[];
  /** The /Info dictionary as pdf.js reads it (Title, Author, Creator, CreationDate, ...). */
  info: Record<string, unknown>;
}

export async function parsePdf(data: Buffer): Promise<ParsedPdf> {
  const out = (await run(data, { PDF_MODE: 'text' })) as {
    text: string;
    pages: string[];
    info: Record<string, unknown>;
  };
  return {
    text: out.text.normalize('NFC'),
    pages: out.pages.map((p) => p.normalize('NFC')),
    info: out.info,
  };
}

/** Page `page` (1-based) as a PNG, for looking at the layout by hand. */
export async function renderPdfPage(data: Buffer, page = 1, scale = 1.5): Promise<Buffer> {
  const out = (await run(data, {
    PDF_MODE: 'png',
    PDF_PAGE: String(page),
    PDF_SCALE: String(scale),
  })) as { png: string };
  return Buffer.from(out.png, 'base64');
}
