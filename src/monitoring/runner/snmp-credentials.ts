import {
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  type SnmpAuthProtocol,
  type SnmpCredentials,
  type SnmpPrivProtocol,
} from '../../../probes/snmp/session';
import type { SnmpSecrets } from './adapters/types';

/** The SNMP columns of a `devices` row (`snmp_secret` still sealed). */
export interface DeviceSnmpColumns {
  snmpVersion: string | null;
  snmpUsername: string | null;
  snmpAuthProtocol: string | null;
  snmpPrivProtocol: string | null;
  snmpSecret: string | null;
}

/**
 * The probe's credentials from a device row: the sealed `snmp_secret` (`{community}` for v2c,
 * `{authKey, privKey}` for v3) opened with the SecretBox, plus the non-secret v3 columns.
 * Null when SNMP is off (`none`) or no secret is stored; throws on a row that cannot be used
 * (the runner reports that as `not_tested`, never as the device being down).
 */
export function snmpCredentialsOf(
  row: DeviceSnmpColumns,
  box: { open(envelope: string): string },
): SnmpCredentials | null {
  const version = row.snmpVersion ?? 'none';
  if (version === 'none' || !row.snmpSecret) return null;
  let secret: unknown;
  try {
    secret = JSON.parse(box.open(row.snmpSecret));
  } catch {
    // Never echo the secret or the decryption detail.
    throw new Error('snmp_secret cannot be opened (wrong key or corrupt envelope)');
  }
  const field = (key: string): string | undefined => {
    const v =
      secret && typeof secret === 'object' ? (secret as Record<string, unknown>)[key] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (version === 'v2c') {
    const community = field('community');
    if (!community) throw new Error('snmp_secret holds no community');
    return { version: 'v2c', community };
  }
  if (version === 'v3') {
    const authKey = field('authKey');
    const privKey = field('privKey');
    const auth = (row.snmpAuthProtocol ?? 'sha256').toLowerCase();
    const priv = (row.snmpPrivProtocol ?? 'aes').toLowerCase();
    if (!row.snmpUsername) throw new Error('SNMPv3 without snmp_username');
    if (!authKey || !privKey) throw new Error('snmp_secret lacks the v3 authKey or privKey');
    if (!(SNMP_AUTH_PROTOCOLS as readonly string[]).includes(auth))
      throw new Error(`unknown SNMPv3 auth protocol ${auth}`);
    if (!(SNMP_PRIV_PROTOCOLS as readonly string[]).includes(priv))
      throw new Error(`unknown SNMPv3 priv protocol ${priv}`);
    return {
      version: 'v3',
      username: row.snmpUsername,
      authProtocol: auth as SnmpAuthProtocol,
      authKey,
      privProtocol: priv as SnmpPrivProtocol,
      privKey,
    };
  }
  throw new Error(`unknown SNMP version ${version}`);
}

/**
 * SnmpSecrets over a row loader (e.g. `SELECT snmp_version, snmp_username, snmp_auth_protocol,
 * snmp_priv_protocol, snmp_secret FROM devices WHERE id = $1`) and the application's SecretBox.
 * Credentials are decrypted per run and never cached or logged.
 */
export function deviceSnmpSecrets(
  load: (deviceId: string) => Promise<DeviceSnmpColumns | null>,
  box: { open(envelope: string): string },
): SnmpSecrets {
  return {
    async snmpCredentials(deviceId) {
      const row = await load(deviceId);
      return row ? snmpCredentialsOf(row, box) : null;
    },
  };
}
