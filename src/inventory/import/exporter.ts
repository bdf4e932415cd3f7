import { Injectable } from '@nestjs/common';
import { stringify as toCsv } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
import { stringify as toYaml } from 'yaml';
import { IMPORT_ORDER, RecordType, SPECS } from './schema';

type Row = Record<string, unknown>;

/**
 * SQL for each record type in the import format's own terms (natural keys instead of ids), so
 * an export re-imports unchanged. SNMP secrets are never exported.
 */
const EXPORT_SQL: Record<RecordType, string> = {
  unit: `SELECT u.code, u.kind, u.name, u.name_en AS "nameEn", p.code AS parent, u.description
         FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.code`,
  contact: `SELECT c.email, c.name, c.phone, c.title, u.code AS unit FROM contacts c LEFT JOIN units u ON u.id = c.unit_id ORDER BY c.email`,
  site: `SELECT s.code, s.name, s.name_en AS "nameEn", s.kind, u.code AS unit, s.address, s.latitude, s.longitude, s.description
         FROM sites s JOIN units u ON u.id = s.unit_id ORDER BY s.code`,
  device: `SELECT d.name, d.role, d.vendor, d.model, d.serial_number AS "serialNumber", host(d.management_address) AS "managementAddress",
           s.code AS site, u.code AS unit, d.status, d.description, NULLIF(d.snmp_version, 'none') AS "snmpVersion",
           d.snmp_username AS "snmpUsername", d.snmp_auth_protocol AS "snmpAuthProtocol", d.snmp_priv_protocol AS "snmpPrivProtocol"
           FROM devices d JOIN units u ON u.id = d.unit_id LEFT JOIN sites s ON s.id = d.site_id ORDER BY d.name`,
  interface: `SELECT d.name AS device, i.name, i.description, i.if_index AS "ifIndex", i.mac_address::text AS "macAddress",
              i.speed_kbps::float8 AS "speedKbps", i.enabled
              FROM interfaces i JOIN devices d ON d.id = i.device_id ORDER BY d.name, i.name`,
  vlan: `SELECT s.code AS site, v.vid, v.name, u.code AS unit, v.status, v.description
         FROM vlans v JOIN sites s ON s.id = v.site_id LEFT JOIN units u ON u.id = v.unit_id ORDER BY s.code, v.vid`,
  prefix: `SELECT p.prefix::text AS prefix, p.status, u.code AS unit, s.code AS site,
           CASE WHEN v.id IS NULL THEN NULL ELSE vs.code || '/' || v.vid END AS vlan, p.description
           FROM prefixes p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN sites s ON s.id = p.site_id
           LEFT JOIN vlans v ON v.id = p.vlan_id LEFT JOIN sites vs ON vs.id = v.site_id ORDER BY p.prefix`,
  ipAddress: `SELECT a.address::text AS address, d.name AS device, i.name AS interface, a.dns_name AS "dnsName", a.status, a.description
              FROM ip_addresses a LEFT JOIN interfaces i ON i.id = a.interface_id LEFT JOIN devices d ON d.id = i.device_id
              ORDER BY a.address`,
  circuit: `SELECT c.cid, c.provider, c.type, c.status, c.rate_kbps AS "rateKbps", u.code AS unit,
            ad.name AS "aDevice", ai.name AS "aInterface", asi.code AS "aSite",
            zd.name AS "zDevice", zi.name AS "zInterface", zsi.code AS "zSite",
            to_char(c.install_date, 'YYYY-MM-DD') AS "installDate", to_char(c.contract_end_date, 'YYYY-MM-DD') AS "contractEndDate",
            c.sla_target_percent::float8 AS "slaTargetPercent", c.description
            FROM circuits c LEFT JOIN units u ON u.id = c.unit_id
            LEFT JOIN interfaces ai ON ai.id = c.a_interface_id LEFT JOIN devices ad ON ad.id = ai.device_id LEFT JOIN sites asi ON asi.id = c.a_site_id
            LEFT JOIN interfaces zi ON zi.id = c.z_interface_id LEFT JOIN devices zd ON zd.id = zi.device_id LEFT JOIN sites zsi ON zsi.id = c.z_site_id
            ORDER BY c.cid`,
  service: `SELECT s.kind, s.hostname, s.name, s.url, u.code AS unit, s.criticality, s.ipv6_required AS "ipv6Required",
            s.dnssec_required AS "dnssecRequired", s.status, s.description
            FROM services s JOIN units u ON u.id = s.unit_id ORDER BY s.kind, s.hostname`,
  contactRole: `SELECT c.email, r.object_type AS "objectType",
                COALESCE(u.code, s.code, d.name, ci.cid, sv.kind || '/' || sv.hostname) AS "objectKey", r.role
                FROM contact_roles r JOIN contacts c ON c.id = r.contact_id
                LEFT JOIN units u ON r.object_type = 'unit' AND u.id = r.object_id
                LEFT JOIN sites s ON r.object_type = 'site' AND s.id = r.object_id
                LEFT JOIN devices d ON r.object_type = 'device' AND d.id = r.object_id
                LEFT JOIN circuits ci ON r.object_type = 'circuit' AND ci.id = r.object_id
                LEFT JOIN services sv ON r.object_type = 'service' AND sv.id = r.object_id
                ORDER BY c.email, r.object_type, "objectKey", r.role`,
};

const clean = (row: Row): Row =>
  Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== undefined));

/** Exports the inventory in the import formats (docs/inventory-format.md). */
@Injectable()
export class InventoryExporter {
  constructor(private readonly dataSource: DataSource) {}

  private async rows(): Promise<Record<RecordType, Row[]>> {
    const out = {} as Record<RecordType, Row[]>;
    await this.dataSource.transaction('REPEATABLE READ', async (em) => {
      for (const type of IMPORT_ORDER) out[type] = await em.query(EXPORT_SQL[type]);
    });
    return out;
  }

  /** One YAML document: devices carry their interfaces and addresses, objects their contacts. */
  async yaml(): Promise<string> {
    const rows = await this.rows();
    const contactsOf = new Map<string, Row[]>();
    for (const r of rows.contactRole) {
      const k = `${String(r.objectType)}|${String(r.objectKey)}`;
      contactsOf.set(k, [...(contactsOf.get(k) ?? []), { email: r.email, role: r.role }]);
    }
    const withContacts = (type: string, key: string, row: Row): Row => {
      const contacts = contactsOf.get(`${type}|${key}`);
      return contacts ? { ...row, contacts } : row;
    };
    const addressesOf = new Map<string, string[]>();
    const looseAddresses: Row[] = [];
    for (const a of rows.ipAddress) {
      const bare = !a.dnsName && !a.description && a.status === 'active';
      if (a.device && a.interface && bare) {
        const k = `${String(a.device)}/${String(a.interface)}`;
        addressesOf.set(k, [...(addressesOf.get(k) ?? []), String(a.address)]);
      } else {
        looseAddresses.push(clean(a));
      }
    }
    const interfacesOf = new Map<string, Row[]>();
    for (const i of rows.interface) {
      const { device, ...rest } = clean(i);
      const addresses = addressesOf.get(`${String(device)}/${String(i.name)}`);
      interfacesOf.set(String(device), [
        ...(interfacesOf.get(String(device)) ?? []),
        addresses ? { ...rest, addresses } : rest,
      ]);
    }
    const devices = rows.device.map((d) => {
      const { snmpVersion, snmpUsername, snmpAuthProtocol, snmpPrivProtocol, ...rest } = clean(d);
      const row: Row = { ...rest };
      if (snmpVersion)
        row.snmp = clean({
          version: snmpVersion,
          username: snmpUsername,
          authProtocol: snmpAuthProtocol,
          privProtocol: snmpPrivProtocol,
        });
      const interfaces = interfacesOf.get(String(d.name));
      if (interfaces) row.interfaces = interfaces;
      return withContacts('device', String(d.name), row);
    });
    const circuits = rows.circuit.map((c) => {
      const { aDevice, aInterface, aSite, zDevice, zInterface, zSite, ...rest } = clean(c);
      const end = (device: unknown, iface: unknown, site: unknown) =>
        site ? { site } : device ? { device, interface: iface } : undefined;
      return withContacts(
        'circuit',
        String(c.cid),
        clean({ ...rest, a: end(aDevice, aInterface, aSite), z: end(zDevice, zInterface, zSite) }),
      );
    });
    const doc = {
      version: 1,
      units: rows.unit.map((u) => withContacts('unit', String(u.code), clean(u))),
      contacts: rows.contact.map(clean),
      sites: rows.site.map((s) => withContacts('site', String(s.code), clean(s))),
      devices,
      vlans: rows.vlan.map(clean),
      prefixes: rows.prefix.map(clean),
      ipAddresses: looseAddresses,
      circuits,
      services: rows.service.map((s) =>
        withContacts('service', `${String(s.kind)}/${String(s.hostname)}`, clean(s)),
      ),
    };
    return `# NetWatch inventory export (SNMP credentials are never exported)\n${toYaml(doc, { lineWidth: 0 })}`;
  }

  /** One CSV file per record type, with the import's column names. */
  async csv(): Promise<{ name: string; content: string }[]> {
    const rows = await this.rows();
    return IMPORT_ORDER.map((type) => {
      const spec = SPECS[type];
      const columns = spec.fields.filter((f) => !/^snmp(Community|AuthKey|PrivKey)$/.test(f.key));
      const content = toCsv(
        rows[type].map((r) => columns.map((f) => r[f.key] ?? '')),
        {
          header: true,
          columns: columns.map((f) => f.column),
          cast: { boolean: (b) => String(b) },
        },
      );
      return { name: spec.csvFile, content };
    });
  }
}
