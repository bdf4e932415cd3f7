import { FIXTURE_COUNTS } from '../../../test/fixtures/import/fixture';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceRecord } from './records';
import { RecordType } from './schema';
import { readYaml } from './yaml-reader';

const FIXTURE = join(
  __dirname,
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'import',
  'small-province.yaml',
);

/** 1-based line of the first line at or after `from` that contains `needle`. */
function lineOf(text: string, needle: string, from = 1): number {
  const index = text.split('\n').findIndex((l, i) => i + 1 >= from && l.includes(needle));
  if (index < 0) throw new Error(`no line contains ${needle}`);
  return index + 1;
}

function only(records: SourceRecord[], type: RecordType): SourceRecord[] {
  return records.filter((r) => r.type === type);
}

/** Reads text that must have no problems. */
function read(text: string, file = 'inventory.yaml'): SourceRecord[] {
  const { records, problems } = readYaml(file, text);
  expect(problems).toEqual([]);
  return records;
}

describe('readYaml', () => {
  describe('the small-province fixture', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    let records: SourceRecord[];

    beforeAll(() => {
      records = read(text, 'small-province.yaml');
    });

    it('yields one record per object, nested ones included', () => {
      const counts: Record<string, number> = {};
      for (const r of records) counts[r.type] = (counts[r.type] ?? 0) + 1;
      expect(counts).toEqual(FIXTURE_COUNTS);
      for (const r of records)
        expect(r).toMatchObject({ format: 'yaml', file: 'small-province.yaml' });
    });

    it('gives each top-level record the line of its first key and its path', () => {
      const [, , , p2] = only(records, 'unit');
      expect(p2).toMatchObject({
        line: lineOf(text, 'code: X-DALAT-P2'),
        path: 'units[3]',
        data: { code: 'X-DALAT-P2', kind: 'commune', name: 'Phường 2', parent: 'H-DALAT' },
      });
      expect(p2.fieldLines).toMatchObject({
        code: lineOf(text, 'code: X-DALAT-P2'),
        parent: lineOf(text, 'parent: H-DALAT', lineOf(text, 'code: X-DALAT-P2')),
      });
      const [, dns] = only(records, 'service');
      expect(dns).toMatchObject({ line: lineOf(text, 'kind: dns_zone'), path: 'services[1]' });
    });

    it('gives nested interfaces, addresses and contact roles their own lines', () => {
      const device = lineOf(text, 'name: tn-core-rt01');
      const [gi0, gi1] = only(records, 'interface');
      expect(gi0).toMatchObject({
        line: lineOf(text, 'name: GigabitEthernet0/0/0'),
        path: 'devices[0].interfaces[0]',
        data: {
          device: 'tn-core-rt01',
          name: 'GigabitEthernet0/0/0',
          ifIndex: 1,
          macAddress: '00:00:5e:00:53:01',
          speedKbps: 1000000,
        },
      });
      expect(gi0.fieldLines?.speedKbps).toBe(lineOf(text, 'speedKbps: 1000000'));
      expect(gi1).toMatchObject({
        line: lineOf(text, 'name: GigabitEthernet0/0/1'),
        path: 'devices[0].interfaces[1]',
        data: { enabled: false, ifIndex: 2 },
      });

      const addresses = only(records, 'ipAddress');
      const flowLine = lineOf(text, '203.0.113.2/30');
      expect(addresses.slice(0, 3)).toEqual([
        expect.objectContaining({
          line: flowLine,
          path: 'devices[0].interfaces[0].addresses[0]',
          data: {
            address: '203.0.113.2/30',
            device: 'tn-core-rt01',
            interface: 'GigabitEthernet0/0/0',
          },
        }),
        expect.objectContaining({
          line: flowLine,
          path: 'devices[0].interfaces[0].addresses[1]',
          data: {
            address: '2001:db8:100:f01::2/64',
            device: 'tn-core-rt01',
            interface: 'GigabitEthernet0/0/0',
          },
        }),
        expect.objectContaining({
          line: lineOf(text, '198.51.100.1/26'),
          data: {
            address: '198.51.100.1/26',
            device: 'tn-core-rt01',
            interface: 'GigabitEthernet0/0/1',
          },
        }),
      ]);
      expect(addresses[3]).toMatchObject({
        path: 'ipAddresses[0]',
        line: lineOf(text, 'address: 203.0.113.10/26'),
        data: { dnsName: 'www.tn.example' },
      });

      const deviceRole = only(records, 'contactRole').find((r) => r.data.objectType === 'device');
      expect(deviceRole).toMatchObject({
        line: lineOf(text, 'role: technical', device),
        path: 'devices[0].contacts[0]',
        data: {
          email: 'nguyen.van.an@tn.example',
          role: 'technical',
          objectType: 'device',
          objectKey: 'tn-core-rt01',
        },
      });
    });

    it('flattens the snmp block and the circuit ends', () => {
      const [device] = only(records, 'device');
      expect(device.data).toMatchObject({
        snmpVersion: 'v2c',
        snmpCommunity: 'fixture-ro-community-7f3a',
      });
      expect(device.data).not.toHaveProperty('snmp');
      expect(device.fieldLines?.snmpCommunity).toBe(
        lineOf(text, 'community: fixture-ro-community-7f3a'),
      );
      const [circuit] = only(records, 'circuit');
      expect(circuit.data).toMatchObject({
        aDevice: 'tn-core-rt01',
        aInterface: 'GigabitEthernet0/0/0',
        zSite: 'TTHC-TN',
        installDate: '2020-01-15',
        contractEndDate: '2025-01-14',
        slaTargetPercent: 99.5,
        rateKbps: 100000,
      });
      expect(circuit.data).not.toHaveProperty('a');
      expect(circuit.data).not.toHaveProperty('aSite');
      expect(circuit.fieldLines?.zSite).toBe(lineOf(text, 'z: { site: TTHC-TN }'));
    });

    it('turns contacts lists into contact role records keyed by the natural key of their object', () => {
      expect(only(records, 'contactRole').map((r) => r.data)).toEqual([
        {
          email: 'nguyen.van.an@tn.example',
          role: 'responsible_official',
          objectType: 'unit',
          objectKey: 'TN',
        },
        {
          email: 'nguyen.van.an@tn.example',
          role: 'technical',
          objectType: 'unit',
          objectKey: 'TN',
        },
        {
          email: 'nguyen.van.an@tn.example',
          role: 'technical',
          objectType: 'device',
          objectKey: 'tn-core-rt01',
        },
        {
          email: 'nguyen.van.an@tn.example',
          role: 'technical',
          objectType: 'service',
          objectKey: 'website/www.tn.example',
        },
      ]);
    });
  });

  it('keys contacts on sites by code and on circuits by cid', () => {
    const text = [
      'version: 1',
      'sites:',
      '  - code: DC-TN',
      '    contacts:',
      '      - email: a@tn.example',
      '        role: security',
      'circuits:',
      '  - cid: VTL-TN-9',
      '    contacts: [{ email: b@tn.example, role: administrative }]',
      '',
    ].join('\n');
    const roles = only(read(text), 'contactRole');
    expect(roles).toEqual([
      expect.objectContaining({
        line: 5,
        path: 'sites[0].contacts[0]',
        data: { email: 'a@tn.example', role: 'security', objectType: 'site', objectKey: 'DC-TN' },
      }),
      expect.objectContaining({
        line: 9,
        path: 'circuits[0].contacts[0]',
        data: {
          email: 'b@tn.example',
          role: 'administrative',
          objectType: 'circuit',
          objectKey: 'VTL-TN-9',
        },
      }),
    ]);
  });

  it('flattens an SNMP v3 block, and treats an empty snmp block as absent', () => {
    const text = [
      'devices:',
      '  - name: rt-v3',
      '    snmp:',
      '      version: v3',
      '      username: netwatch-ro',
      '      authProtocol: sha256',
      '      authKey: example-auth-key',
      '      privProtocol: aes',
      '      privKey: example-priv-key',
      '  - name: rt-none',
      '    snmp:',
      '',
    ].join('\n');
    const [v3, none] = read(text);
    expect(v3.data).toEqual({
      name: 'rt-v3',
      snmpVersion: 'v3',
      snmpUsername: 'netwatch-ro',
      snmpAuthProtocol: 'sha256',
      snmpAuthKey: 'example-auth-key',
      snmpPrivProtocol: 'aes',
      snmpPrivKey: 'example-priv-key',
    });
    expect(v3.fieldLines?.snmpPrivKey).toBe(9);
    expect(none.data).toEqual({ name: 'rt-none' });
  });

  it('converts values by field kind and reports the wrong kind with its line', () => {
    const text = [
      'vlans:',
      '  - site: TTHC',
      '    vid: 10',
      '    name: 2024', // a number where text is expected becomes text
      '  - site: TTHC',
      '    vid: ten',
      '    name: Mười',
      '  - site: TTHC',
      "    vid: '20'",
      '    name: Hai mươi',
      'services:',
      '  - kind: website',
      '    ipv6Required: yes',
      '    dnssecRequired: true',
      'sites:',
      '  - code: S1',
      '    latitude: north',
      '    longitude: 108.5',
      '',
    ].join('\n');
    const { records, problems } = readYaml('t.yaml', text);
    expect(problems).toEqual([
      { file: 't.yaml', line: 6, field: 'vlans[1].vid', message: 'vid must be a whole number' },
      { file: 't.yaml', line: 9, field: 'vlans[2].vid', message: 'vid must be a whole number' },
      {
        file: 't.yaml',
        line: 13,
        field: 'services[0].ipv6Required',
        message: 'ipv6Required must be true or false',
      },
      {
        file: 't.yaml',
        line: 17,
        field: 'sites[0].latitude',
        message: 'latitude must be a number',
      },
    ]);
    expect(records[0].data).toEqual({ site: 'TTHC', vid: 10, name: '2024' });
    expect(only(records, 'service')[0].data).toEqual({ kind: 'website', dnssecRequired: true });
    expect(only(records, 'site')[0].data).toEqual({ code: 'S1', longitude: 108.5 });
  });

  it('leaves out empty values', () => {
    const [unit] = read("units:\n  - code: LD\n    description:\n    nameEn: ''\n    parent: ~\n");
    expect(unit.data).toEqual({ code: 'LD' });
  });

  it('reports unknown keys, at top level and inside snmp and circuit ends, with their lines', () => {
    const text = [
      'version: 1',
      'units:',
      '  - code: LD',
      '    colour: đỏ',
      'devices:',
      '  - name: rt',
      '    snmp: { version: v2c, comunity: typo }',
      'circuits:',
      '  - cid: C1',
      '    a:',
      '      device: rt',
      '      port: Gi0/0',
      '',
    ].join('\n');
    const { problems } = readYaml('k.yaml', text);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 4,
        field: 'units[0].colour',
        message: expect.stringMatching(/^colour is not a field of unit; known: code, kind, name/),
      }),
      expect.objectContaining({
        line: 7,
        field: 'devices[0].snmp.comunity',
        message: expect.stringMatching(/^snmp\.comunity is not a field of device/),
      }),
      expect.objectContaining({
        line: 12,
        field: 'circuits[0].a.port',
        message: expect.stringMatching(/^a\.port is not a field of circuit/),
      }),
    ]);
  });

  it('refuses a device key on a nested interface and non-list interfaces or addresses', () => {
    const text = [
      'devices:',
      '  - name: rt',
      '    interfaces:',
      '      - name: eth0',
      '        device: other',
      '        addresses: 198.51.100.1/26',
      '  - name: sw',
      '    interfaces: eth0',
      '',
    ].join('\n');
    const { problems } = readYaml('n.yaml', text);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 4,
        field: 'devices[0].interfaces[0].device',
        message: expect.stringMatching(/implied/),
      }),
      expect.objectContaining({ line: 6, field: 'devices[0].interfaces[0].addresses' }),
      expect.objectContaining({
        line: 8,
        field: 'devices[1].interfaces',
        message: 'interfaces must be a list',
      }),
    ]);
  });

  it('checks the document shape: version, known sections, lists of mappings', () => {
    expect(readYaml('v.yaml', 'version: 2\n').problems).toEqual([
      { file: 'v.yaml', line: 1, field: 'version', message: 'version must be 1' },
    ]);
    expect(readYaml('s.yaml', 'version: 1\nrouters: []\n').problems).toEqual([
      expect.objectContaining({
        line: 2,
        field: 'routers',
        message: expect.stringMatching(/^unknown section routers; known: version, units/),
      }),
    ]);
    expect(readYaml('l.yaml', 'units:\n  code: LD\n').problems).toEqual([
      { file: 'l.yaml', line: 1, field: 'units', message: 'units must be a list' },
    ]);
    expect(readYaml('m.yaml', 'units:\n  - LD\n').problems).toEqual([
      {
        file: 'm.yaml',
        line: 2,
        field: 'units[0]',
        message: 'units[0] must be a mapping of fields',
      },
    ]);
    expect(readYaml('r.yaml', '- code: LD\n').problems).toEqual([
      expect.objectContaining({
        file: 'r.yaml',
        line: 1,
        message: expect.stringMatching(/must be a YAML mapping/),
      }),
    ]);
    expect(readYaml('e.yaml', '# nothing yet\n')).toEqual({ records: [], problems: [] });
    expect(readYaml('n.yaml', 'version: 1\nunits:\nsites: ~\n')).toEqual({
      records: [],
      problems: [],
    });
  });

  it('reports YAML syntax errors with their line and reads no records', () => {
    const tab = readYaml('t.yaml', 'units:\n  - code: LD\n\tkind: province\n');
    expect(tab.records).toEqual([]);
    expect(tab.problems).toEqual([
      expect.objectContaining({
        file: 't.yaml',
        line: 3,
        field: '(file)',
        message: expect.stringMatching(/^YAML syntax: /),
      }),
    ]);
    const duplicate = readYaml('d.yaml', 'units:\n  - code: LD\n    name: A\n    name: B\n');
    expect(duplicate.problems).toEqual([
      expect.objectContaining({
        line: 4,
        message: expect.stringMatching(/^YAML syntax: .*unique/),
      }),
    ]);
  });

  // Known bug (reported to the lead): a YAML number in a text field is read through String(),
  // so `phone: +84909000001` is stored as "84909000001" and `serialNumber: 0012` as "12",
  // silently. Remove `.failing` once the reader keeps the text as written or reports it.
  it('never silently rewrites an unquoted number in a text field', () => {
    const { records, problems } = readYaml(
      'c.yaml',
      'contacts:\n  - email: a@tn.example\n    name: A\n    phone: +84909000001\n    title: 0012\n',
    );
    const keptOrReported = (key: string, written: string) =>
      records[0]?.data[key] === written || problems.some((p) => p.field.endsWith(`.${key}`));
    expect(keptOrReported('phone', '+84909000001')).toBe(true);
    expect(keptOrReported('title', '0012')).toBe(true);
  });
});
