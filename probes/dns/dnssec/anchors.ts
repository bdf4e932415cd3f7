import { readFileSync } from 'node:fs';
import { normalizeName } from '../message';
import { parseZone, PresentationError } from '../presentation';
import { DnskeyRecord, DsRecord } from './keys';
import { TrustAnchor } from './validator';

export class TrustAnchorError extends Error {}

/**
 * Reads trust anchors from zone-file presentation format: DS and/or DNSKEY records, for the
 * root or for any zone (a private hierarchy's own root, an island of trust).
 */
export function parseTrustAnchors(text: string, source = 'trust anchor file'): TrustAnchor[] {
  let records;
  try {
    records = parseZone(text);
  } catch (err) {
    const line = err instanceof PresentationError ? ` line ${err.line}` : '';
    throw new TrustAnchorError(
      `${source}${line}: ${err instanceof PresentationError ? err.detail : (err as Error).message}`,
    );
  }
  const byZone = new Map<string, TrustAnchor>();
  for (const r of records) {
    if (r.type !== 'DS' && r.type !== 'DNSKEY') {
      throw new TrustAnchorError(
        `${source}: only DS and DNSKEY records can be trust anchors, found ${r.type} for ${r.name || '.'}`,
      );
    }
    const zone = normalizeName(r.name);
    const anchor = byZone.get(zone) ?? { zone, ds: [], dnskeys: [] };
    if (r.type === 'DS') anchor.ds.push({ ...r, name: zone } as DsRecord);
    else anchor.dnskeys.push({ ...r, name: zone } as DnskeyRecord);
    byZone.set(zone, anchor);
  }
  if (!byZone.size) throw new TrustAnchorError(`${source}: no DS or DNSKEY records found`);
  return [...byZone.values()];
}

export function loadTrustAnchors(file: string): TrustAnchor[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TrustAnchorError(`cannot read trust anchor file ${file}: ${(err as Error).message}`);
  }
  return parseTrustAnchors(text, file);
}
