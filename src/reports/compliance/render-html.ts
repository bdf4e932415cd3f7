import type { ComplianceDocument, DocBlock } from './compliance-document';
import { escapeHtml as e, svgBarChart, svgLineChart } from './svg-charts';

/**
 * The compliance report as one self-contained HTML file: inline CSS, charts as inline SVG, no
 * script and no external asset (it opens offline, attached to an e-mail or archived), every
 * value escaped. Prints on A4 (the print CSS keeps table rows and charts whole).
 */

const CSS = `
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;font-size:14px;line-height:1.45;color:#000;margin:0;background:#f4f4f4}
main{max-width:960px;margin:0 auto;padding:32px 40px;background:#fff}
.letterhead{text-align:center;font-weight:bold;margin:0 0 20px}
.letterhead p{margin:0}
h1{text-align:center;font-size:22px;margin:0 0 4px}
.subtitle{text-align:center;color:#555;margin:0 0 24px}
h2{font-size:17px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid #999}
h3{font-size:14px;margin:18px 0 6px}
p{margin:6px 0}
.muted{color:#555;font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #999;padding:3px 6px;vertical-align:top}
th{background:#e6e6e6;text-align:left}
td.r,th.r{text-align:right;white-space:nowrap}
td.c,th.c{text-align:center}
table.kv th{width:40%;background:none}
figure{margin:12px 0}
@media print{body{background:#fff}main{padding:0;max-width:none}tr,figure{break-inside:avoid}h2,h3{break-after:avoid}}
@page{size:A4;margin:2cm}
`;

function block(b: DocBlock): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p${b.muted ? ' class="muted"' : ''}>${e(b.text)}</p>`;
    case 'subheading':
      return `<h3>${e(b.text)}</h3>`;
    case 'keyValues':
      return `<table class="kv"><tbody>${b.rows
        .map((r) => `<tr><th scope="row">${e(r.label)}</th><td>${e(r.value)}</td></tr>`)
        .join('')}</tbody></table>`;
    case 'table': {
      const cls = (i: number) =>
        b.columns[i].align === 'right'
          ? ' class="r"'
          : b.columns[i].align === 'center'
            ? ' class="c"'
            : '';
      const head = b.columns.map((c, i) => `<th scope="col"${cls(i)}>${e(c.header)}</th>`).join('');
      const rows = b.rows
        .map((row, ri) => {
          const cells = row.map((v, i) => {
            const pad =
              i === 0 && b.indent?.[ri] ? ` style="padding-left:${6 + 16 * b.indent[ri]}px"` : '';
            return `<td${cls(i)}${pad}>${e(v)}</td>`;
          });
          return `<tr>${cells.join('')}</tr>`;
        })
        .join('');
      return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case 'bars':
      return `<figure>${svgBarChart(b.chart)}</figure>`;
    case 'line':
      return `<figure>${svgLineChart(b.chart)}</figure>`;
  }
}

export function renderComplianceHtml(d: ComplianceDocument): string {
  const sections = d.sections
    .map(
      (s) =>
        `<section id="${e(s.id)}"><h2>${e(s.title)}</h2>\n${s.blocks.map(block).join('\n')}</section>`,
    )
    .join('\n');
  return (
    `<!DOCTYPE html>\n<html lang="${d.lang}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="generator" content="NetWatch">\n` +
    `<title>${e(d.metaTitle)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n` +
    `<header class="letterhead">${d.letterhead.map((l) => `<p>${e(l)}</p>`).join('')}</header>\n` +
    `<h1>${e(d.title)}</h1>\n<p class="subtitle">${e(d.subtitle)}</p>\n` +
    `${sections}\n<footer class="muted"><p>${e(d.footer)}</p></footer>\n</main>\n</body>\n</html>\n`
  );
}
