import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../common/secret-box';
import { previousSnmp } from './adapters/snmp';
import { snmpCredentialsOf, type DeviceSnmpColumns } from './snmp-credentials';

const box = new SecretBox(randomBytes(32));
const row = (o: Partial<DeviceSnmpColumns>): DeviceSnmpColumns => ({
  snmpVersion: 'none',
  snmpUsername: null,
  snmpAuthProtocol: null,
  snmpPrivProtocol: null,
  snmpSecret: null,
  ...o,
});

describe('snmpCredentialsOf', () => {
  it('opens a v2c community', () => {
    const secret = box.seal(JSON.stringify({ community: 'c0mm' }));
    expect(snmpCredentialsOf(row({ snmpVersion: 'v2c', snmpSecret: secret }), box)).toEqual({
      version: 'v2c',
      community: 'c0mm',
    });
  });

  it('opens v3 keys and takes the non-secret fields from the columns', () => {
    const secret = box.seal(JSON.stringify({ authKey: 'auth-key-1', privKey: 'priv-key-1' }));
    expect(
      snmpCredentialsOf(
        row({
          snmpVersion: 'v3',
          snmpUsername: 'netwatch',
          snmpAuthProtocol: 'SHA512',
          snmpPrivProtocol: 'aes256b',
          snmpSecret: secret,
        }),
        box,
      ),
    ).toEqual({
      version: 'v3',
      username: 'netwatch',
      authProtocol: 'sha512',
      authKey: 'auth-key-1',
      privProtocol: 'aes256b',
      privKey: 'priv-key-1',
    });
  });

  it('is null when SNMP is off or no secret is stored', () => {
    expect(snmpCredentialsOf(row({}), box)).toBeNull();
    expect(snmpCredentialsOf(row({ snmpVersion: 'v2c' }), box)).toBeNull();
  });

  it('refuses unusable rows without echoing the secret', () => {
    const other = new SecretBox(randomBytes(32));
    const sealed = other.seal(JSON.stringify({ community: 'top-secret' }));
    expect(() => snmpCredentialsOf(row({ snmpVersion: 'v2c', snmpSecret: sealed }), box)).toThrow(
      /cannot be opened/,
    );
    const v3NoKeys = box.seal(JSON.stringify({ community: 'x' }));
    expect(() =>
      snmpCredentialsOf(row({ snmpVersion: 'v3', snmpUsername: 'u', snmpSecret: v3NoKeys }), box),
    ).toThrow(/authKey or privKey/);
    const v2 = box.seal(JSON.stringify({ community: 'x' }));
    expect(() => snmpCredentialsOf(row({ snmpVersion: 'v1', snmpSecret: v2 }), box)).toThrow(
      /unknown SNMP version/,
    );
  });
});

describe('previousSnmp', () => {
  it('builds previous counters from stored observations, skipping malformed interfaces', () => {
    const prev = previousSnmp({
      at: '2025-03-01T08:00:00.000Z',
      sysUpTimeTicks: 1000,
      interfaces: [
        { ifIndex: 1, counters: { inOctets: '10', outOctets: '20', counterBits: 64 } },
        { ifIndex: 2, counters: { inOctets: 10, outOctets: '20', counterBits: 64 } },
        { ifIndex: 3, counters: null },
      ],
    });
    expect(prev).toEqual({
      sysUpTimeTicks: 1000,
      at: '2025-03-01T08:00:00.000Z',
      interfaces: {
        '1': { inOctets: '10', outOctets: '20', counterBits: 64, at: '2025-03-01T08:00:00.000Z' },
      },
    });
  });

  it('is undefined for anything that is not a previous SNMP observation', () => {
    expect(previousSnmp(undefined)).toBeUndefined();
    expect(previousSnmp({ truncated: true })).toBeUndefined();
    expect(previousSnmp({ at: 'yesterday', sysUpTimeTicks: 5, interfaces: [] })).toBeUndefined();
  });
});
