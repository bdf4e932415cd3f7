import { EntityManager } from 'typeorm';
import { parseAddress, parsePrefix } from '../../common/ip';
import { RecordType } from './schema';

/** Canonical natural key text for types whose key is an address. */
export function canonicalKey(type: RecordType, raw: string): string {
  if (type === 'prefix') {
    const p = parsePrefix(raw);
    return typeof p === 'string' ? raw : p.network;
  }
  if (type === 'ipAddress') {
    const p = parseAddress(raw);
    return typeof p === 'string' ? raw : p.host;
  }
  return raw;
}

const QUERIES: Record<RecordType, string> = {
  unit: `SELECT id, code AS key FROM units`,
  contact: `SELECT id, email AS key FROM contacts`,
  site: `SELECT id, code AS key FROM sites`,
  device: `SELECT id, name AS key FROM devices`,
  interface: `SELECT i.id, d.name || '/' || i.name AS key FROM interfaces i JOIN devices d ON d.id = i.device_id`,
  vlan: `SELECT v.id, s.code || '/' || v.vid AS key FROM vlans v JOIN sites s ON s.id = v.site_id`,
  prefix: `SELECT id, prefix::text AS key FROM prefixes`,
  ipAddress: `SELECT id, host(address) AS key FROM ip_addresses`,
  circuit: `SELECT id, cid AS key FROM circuits`,
  service: `SELECT id, kind || '/' || hostname AS key FROM services`,
  contactRole: `SELECT r.id, c.email || '|' || r.object_type || '|' || COALESCE(u.code, s.code, d.name, ci.cid, sv.kind || '/' || sv.hostname, r.object_id::text) || '|' || r.role AS key
    FROM contact_roles r JOIN contacts c ON c.id = r.contact_id
    LEFT JOIN units u ON r.object_type = 'unit' AND u.id = r.object_id
    LEFT JOIN sites s ON r.object_type = 'site' AND s.id = r.object_id
    LEFT JOIN devices d ON r.object_type = 'device' AND d.id = r.object_id
    LEFT JOIN circuits ci ON r.object_type = 'circuit' AND ci.id = r.object_id
    LEFT JOIN services sv ON r.object_type = 'service' AND sv.id = r.object_id`,
};

/**
 * Natural key → id for every stored object, loaded once per import (one query per type) and
 * extended as the import creates objects, so resolving a reference never costs a query.
 */
export class KeyIndex {
  private readonly maps = new Map<RecordType, Map<string, string>>();

  static async load(em: EntityManager): Promise<KeyIndex> {
    const index = new KeyIndex();
    for (const [type, sql] of Object.entries(QUERIES) as [RecordType, string][]) {
      const rows: { id: string; key: string }[] = await em.query(sql);
      index.maps.set(type, new Map(rows.map((r) => [canonicalKey(type, r.key), r.id])));
    }
    return index;
  }

  get(type: RecordType, key: string): string | undefined {
    return this.maps.get(type)?.get(key);
  }

  set(type: RecordType, key: string, id: string): void {
    this.maps.get(type)?.set(key, id);
  }
}
