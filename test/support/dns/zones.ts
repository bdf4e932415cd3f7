import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseZone, PresentationError } from '../../../probes/dns/presentation';
import { projectRoot } from '../../../src/common/project-root';
import type { ZoneData } from './authoritative-server';

export const FIXTURE_ZONE_DIR = 'test/fixtures/dns/zones';

/** The zone a fixture file holds: `root.zone` is `.`, `<name>.zone` is `<name>`. */
export function originOfFile(file: string): string {
  const base = file.replace(/\.zone$/, '');
  return base === 'root' ? '.' : base.replace(/\.$/, '').toLowerCase();
}

/** Parses one zone file; the apex is the owner of its SOA (checked against `origin`). */
export function loadZoneFile(path: string, origin: string): ZoneData {
  let records;
  try {
    records = parseZone(readFileSync(path, 'utf8'), { origin });
  } catch (error) {
    if (error instanceof PresentationError) {
      throw new Error(`${path}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const soa = records.find((record) => record.type === 'SOA');
  if (!soa) throw new Error(`${path}: no SOA record`);
  if (soa.name !== origin) {
    throw new Error(`${path}: SOA owner ${soa.name} is not the zone ${origin} the file name says`);
  }
  return { origin, records };
}

/** Every `*.zone` file in `dir` (relative to the project root), parsed, in name order. */
export function loadFixtureZones(dir: string = FIXTURE_ZONE_DIR): ZoneData[] {
  const folder = isAbsolute(dir) ? dir : join(projectRoot(), dir);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.zone'))
    .sort()
    .map((file) => loadZoneFile(join(folder, file), originOfFile(file)));
}
