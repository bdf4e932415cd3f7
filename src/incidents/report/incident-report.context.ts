import { DataSource } from 'typeorm';
import type { LinkObjectType } from '../incident-lifecycle';
import type { IncidentDetail } from '../incidents.service';
import type { ContextObject, IncidentReportContext, UnitContact } from './incident-report';
import type { IncidentReportSettings } from './incident-report.settings';

/** One row per object, as each query below returns it. */
interface ObjectRow {
  id: string;
  label: string;
  label_en: string | null;
  kind: string | null;
  unit_code: string | null;
  unit_name: string | null;
  unit_name_en: string | null;
}

const UNIT_JOIN = (alias: string) => `LEFT JOIN units u ON u.id = ${alias}.unit_id`;
const UNIT_COLUMNS = `u.code AS unit_code, u.name AS unit_name, u.name_en AS unit_name_en`;

/** Per object type: the query that labels the objects of `ANY($1::uuid[])`. */
const LABEL_QUERIES: Record<LinkObjectType, string> = {
  service: `SELECT s.id, CASE WHEN s.name = s.hostname THEN s.hostname
              ELSE s.name || ' (' || s.hostname || ')' END AS label,
            NULL AS label_en, s.kind, ${UNIT_COLUMNS}
            FROM services s ${UNIT_JOIN('s')} WHERE s.id = ANY($1::uuid[])`,
  device: `SELECT d.id, d.name AS label, NULL AS label_en, d.role AS kind, ${UNIT_COLUMNS}
           FROM devices d ${UNIT_JOIN('d')} WHERE d.id = ANY($1::uuid[])`,
  circuit: `SELECT c.id, c.cid || ' (' || c.provider || ')' AS label, NULL AS label_en,
            c.type AS kind, ${UNIT_COLUMNS}
            FROM circuits c ${UNIT_JOIN('c')} WHERE c.id = ANY($1::uuid[])`,
  site: `SELECT si.id, si.name || ' (' || si.code || ')' AS label,
         CASE WHEN si.name_en IS NULL THEN NULL ELSE si.name_en || ' (' || si.code || ')' END
           AS label_en,
         si.kind, ${UNIT_COLUMNS}
         FROM sites si ${UNIT_JOIN('si')} WHERE si.id = ANY($1::uuid[])`,
  unit: `SELECT u.id, u.name || ' (' || u.code || ')' AS label,
         CASE WHEN u.name_en IS NULL THEN NULL ELSE u.name_en || ' (' || u.code || ')' END
           AS label_en,
         u.kind, p.code AS unit_code, p.name AS unit_name, p.name_en AS unit_name_en
         FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = ANY($1::uuid[])`,
  check: `SELECT ch.id, ch.key AS label, NULL AS label_en, ch.kind, ${UNIT_COLUMNS}
          FROM checks ch ${UNIT_JOIN('ch')} WHERE ch.id = ANY($1::uuid[])`,
};

/**
 * What a report needs beyond the incident: its links resolved to labels (one query per object
 * type present), its unit, the unit's security and technical contacts, and the organisation
 * from the settings.
 */
export async function loadIncidentReportContext(
  dataSource: DataSource,
  detail: IncidentDetail,
  settings: IncidentReportSettings,
): Promise<IncidentReportContext> {
  const byType = new Map<LinkObjectType, Map<string, ObjectRow>>();
  for (const type of new Set(detail.links.map((l) => l.objectType))) {
    const ids = detail.links.filter((l) => l.objectType === type).map((l) => l.objectId);
    const rows: ObjectRow[] = await dataSource.query(LABEL_QUERIES[type], [ids]);
    byType.set(type, new Map(rows.map((r) => [r.id, r])));
  }
  const objects: ContextObject[] = detail.links.map((link) => {
    const row = byType.get(link.objectType)?.get(link.objectId);
    return {
      objectType: link.objectType,
      objectId: link.objectId,
      found: row !== undefined,
      label: row?.label ?? null,
      labelEn: row?.label_en ?? null,
      kind: row?.kind ?? null,
      unit:
        row?.unit_code && row.unit_name
          ? { code: row.unit_code, name: row.unit_name, nameEn: row.unit_name_en }
          : null,
    };
  });

  let unit: IncidentReportContext['unit'] = null;
  let unitContacts: UnitContact[] = [];
  if (detail.unitId) {
    const units: { id: string; code: string; name: string; name_en: string | null }[] =
      await dataSource.query(`SELECT id, code, name, name_en FROM units WHERE id = $1`, [
        detail.unitId,
      ]);
    if (units.length)
      unit = {
        id: units[0].id,
        code: units[0].code,
        name: units[0].name,
        nameEn: units[0].name_en,
      };
    unitContacts = await dataSource.query(
      `SELECT c.name, c.title, r.role, c.phone, c.email
       FROM contact_roles r JOIN contacts c ON c.id = r.contact_id
       WHERE r.object_type = 'unit' AND r.object_id = $1 AND r.role IN ('security', 'technical')
       ORDER BY CASE r.role WHEN 'security' THEN 0 ELSE 1 END, c.name, c.email`,
      [detail.unitId],
    );
  }

  return {
    organisation: settings.organisation,
    focalPoint: settings.focalPoint,
    unit,
    objects,
    unitContacts,
  };
}
