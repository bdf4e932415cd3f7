/** Numeric OIDs only: no MIB files are loaded anywhere (Debian ships none). */

export const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
export const SYS_NAME = '1.3.6.1.2.1.1.5.0';

/** ifTable (IF-MIB ifEntry) columns. */
export const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
export const IF_COLUMNS = {
  ifIndex: `${IF_ENTRY}.1`,
  ifDescr: `${IF_ENTRY}.2`,
  ifType: `${IF_ENTRY}.3`,
  ifSpeed: `${IF_ENTRY}.5`,
  ifAdminStatus: `${IF_ENTRY}.7`,
  ifOperStatus: `${IF_ENTRY}.8`,
  ifInOctets: `${IF_ENTRY}.10`,
  ifOutOctets: `${IF_ENTRY}.16`,
} as const;

/** ifXTable (IF-MIB ifXEntry) columns. */
export const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';
export const IFX_COLUMNS = {
  ifName: `${IFX_ENTRY}.1`,
  ifHCInOctets: `${IFX_ENTRY}.6`,
  ifHCOutOctets: `${IFX_ENTRY}.10`,
  ifHighSpeed: `${IFX_ENTRY}.15`,
  ifAlias: `${IFX_ENTRY}.18`,
} as const;

/** SNMPv2-MIB notification plumbing. */
export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
export const SNMP_TRAP_ADDRESS = '1.3.6.1.6.3.18.1.3.0';
export const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
export const LINK_UP = '1.3.6.1.6.3.1.1.5.4';

/** IF-MIB ifAdminStatus / ifOperStatus values. */
export const IF_STATUS = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
} as const;
export type IfStatus = (typeof IF_STATUS)[keyof typeof IF_STATUS];

export function ifStatus(value: number | null | undefined): IfStatus | null {
  if (value === null || value === undefined) return null;
  return (IF_STATUS as Record<number, IfStatus>)[value] ?? null;
}

/** The row index of a single-index table instance: `<column>.<ifIndex>` → ifIndex. */
export function instanceIndex(column: string, oid: string): number | null {
  if (!oid.startsWith(`${column}.`)) return null;
  const rest = oid.slice(column.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : null;
}
