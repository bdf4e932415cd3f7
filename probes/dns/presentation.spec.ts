import { createHash } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import {
  decodeBase32Hex,
  encodeBase32Hex,
  parseRecord,
  parseZone,
  PresentationError,
  rdataOf,
  typeCode,
  typeName,
  type ZoneRecord,
} from './presentation';

/** What dns-packet makes of `records` after a trip over the wire. */
function roundTrip(records: ZoneRecord[]): dnsPacket.Answer[] {
  const wire = dnsPacket.encode({ type: 'response', answers: records as dnsPacket.Answer[] });
  return dnsPacket.decode(wire).answers ?? [];
}

function parseError(text: string): PresentationError {
  try {
    parseZone(text);
  } catch (error) {
    if (error instanceof PresentationError) return error;
    throw error;
  }
  throw new Error(`expected a PresentationError for: ${text}`);
}

/** RFC 4034 Appendix B key tag. */
function keyTag(rdata: Buffer): number {
  let sum = 0;
  for (let i = 0; i < rdata.length; i++) sum += i & 1 ? rdata[i] : rdata[i] << 8;
  sum += (sum >> 16) & 0xffff;
  return sum & 0xffff;
}

const ROOT_DS_20326 = 'E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D';
const ROOT_DS_38696 = '683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16';

describe('parseRecord: IANA root trust anchors', () => {
  it.each([
    [20326, ROOT_DS_20326],
    [38696, ROOT_DS_38696],
  ])('parses the root KSK %i DS written without TTL', (tag, digest) => {
    const record = parseRecord(`. IN DS ${tag} 8 2 ${digest}`);
    expect(record).toEqual({
      name: '.',
      type: 'DS',
      ttl: 0,
      class: 'IN',
      flush: false,
      data: { keyTag: tag, algorithm: 8, digestType: 2, digest: Buffer.from(digest, 'hex') },
    });
    expect(roundTrip([record])).toEqual([record]);
  });

  it('parses a hand-written anchor file whose DNSKEYs are split over lines, matching the DS', () => {
    // The root KSKs as an operator would paste them, one key split into parentheses.
    const text = `
; root trust anchors, https://data.iana.org/root-anchors/
$ORIGIN .
.  172800 IN DNSKEY 257 3 8 (
        AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3
        +/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kv
        ArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF
        0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+e
        oZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfd
        RUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwN
        R1AkUTV74bU= ) ; KSK-2017, key id 20326
       DNSKEY 257 3 RSASHA256 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9GNUUeayffKC73PYc=
. IN DS 20326 8 2 ( E06D44B80B8F1D39A95C0B0D7C65D084
                   58E880409BBC683457104237C7F8EC8D )
@ DS 38696 RSASHA256 2 683d2d0acb8c9b712a1948b27f741219298d0a450d612c483af444a4c0fb2b16
`;
    const records = parseZone(text);
    expect(records.map((r) => [r.name, r.type, r.ttl])).toEqual([
      ['.', 'DNSKEY', 172800],
      ['.', 'DNSKEY', 172800],
      ['.', 'DS', 172800],
      ['.', 'DS', 172800],
    ]);
    const [ksk2017, ksk2024, ds2017, ds2024] = records;
    for (const [key, ds, tag] of [
      [ksk2017, ds2017, 20326],
      [ksk2024, ds2024, 38696],
    ] as const) {
      if (key.type !== 'DNSKEY' || ds.type !== 'DS') throw new Error('unexpected types');
      expect(key.data.flags).toBe(257);
      expect(key.data.algorithm).toBe(8);
      const rdata = rdataOf(key);
      expect(keyTag(rdata)).toBe(tag);
      // RFC 4034 §5.1.4: digest = SHA-256(owner name | DNSKEY RDATA); the owner is the root.
      const digest = createHash('sha256')
        .update(Buffer.from([0]))
        .update(rdata)
        .digest();
      expect(digest.toString('hex')).toBe(ds.data.digest.toString('hex'));
    }
    expect(roundTrip(records)).toEqual(records);
  });
});

describe('parseZone: zone-file syntax', () => {
  const zone = `
$ORIGIN LamDong.Gov.Test.
$TTL 1h
@   IN  SOA ns1 hostmaster.lamdong.gov.test. (
            2024010101 ; serial
            3600       ; refresh
            15M        ; retry (units)
            1w         ; expire
            300 )      ; minimum
    IN  NS  ns1
    NS      ns2.example.net.
    86400 MX 10 mail
ns1 A   127.0.0.53
        AAAA 2001:DB8:0:0:0:0:0:35
www 300 IN A 198.51.100.80
www IN 600 AAAA ::ffff:198.51.100.80
mail CNAME www
\\065lpha TXT "quoted \\"text\\"" unquoted "semi;colon (paren)" "\\228\\189\\160"
_sip._udp SRV 0 5 5060 sip
@ CAA 0 issue "letsencrypt.org"
@ CAA 128 iodef "mailto:security@lamdong.gov.test"
80.100.51.198.in-addr.arpa. PTR www
old DNAME new.lamdong.gov.test.
`;

  it('resolves origin, @, relative names, inherited owner, TTL and class', () => {
    const records = parseZone(zone);
    expect(records.map((r) => [r.name, r.type, r.ttl])).toEqual([
      ['lamdong.gov.test', 'SOA', 3600],
      ['lamdong.gov.test', 'NS', 3600],
      ['lamdong.gov.test', 'NS', 3600],
      ['lamdong.gov.test', 'MX', 86400],
      ['ns1.lamdong.gov.test', 'A', 3600],
      ['ns1.lamdong.gov.test', 'AAAA', 3600],
      ['www.lamdong.gov.test', 'A', 300],
      ['www.lamdong.gov.test', 'AAAA', 600],
      ['mail.lamdong.gov.test', 'CNAME', 3600],
      ['alpha.lamdong.gov.test', 'TXT', 3600],
      ['_sip._udp.lamdong.gov.test', 'SRV', 3600],
      ['lamdong.gov.test', 'CAA', 3600],
      ['lamdong.gov.test', 'CAA', 3600],
      ['80.100.51.198.in-addr.arpa', 'PTR', 3600],
      ['old.lamdong.gov.test', 'DNAME', 3600],
    ]);
    const data = records.map((r) => r.data);
    expect(data[0]).toEqual({
      mname: 'ns1.lamdong.gov.test',
      rname: 'hostmaster.lamdong.gov.test',
      serial: 2024010101,
      refresh: 3600,
      retry: 900,
      expire: 604800,
      minimum: 300,
    });
    expect(data[2]).toBe('ns2.example.net');
    expect(data[3]).toEqual({ preference: 10, exchange: 'mail.lamdong.gov.test' });
    expect(data[5]).toBe('2001:db8::35');
    expect(data[7]).toBe('::ffff:c633:6450');
    expect(data[9]).toEqual([
      Buffer.from('quoted "text"'),
      Buffer.from('unquoted'),
      Buffer.from('semi;colon (paren)'),
      Buffer.from('你'),
    ]);
    expect(data[10]).toEqual({
      priority: 0,
      weight: 5,
      port: 5060,
      target: 'sip.lamdong.gov.test',
    });
    expect(data[11]).toEqual({
      flags: 0,
      tag: 'issue',
      value: 'letsencrypt.org',
      issuerCritical: false,
    });
    expect(data[12]).toEqual({
      flags: 128,
      tag: 'iodef',
      value: 'mailto:security@lamdong.gov.test',
      issuerCritical: true,
    });
    expect(data[13]).toBe('www.lamdong.gov.test');
    expect(records.every((r) => r.class === 'IN' && r.flush === false)).toBe(true);
  });

  it('re-encodes every record to what dns-packet decodes', () => {
    const records = parseZone(zone);
    expect(roundTrip(records)).toEqual(records);
  });

  it('uses the origin option and defaultTtl, and the previous TTL before any $TTL', () => {
    const records = parseZone('@ NS ns\nwww 120 A 127.0.0.1\napi A 127.0.0.2\n', {
      origin: 'Example.TEST',
      defaultTtl: 42,
    });
    expect(records.map((r) => [r.name, r.ttl, r.data])).toEqual([
      ['example.test', 42, 'ns.example.test'],
      ['www.example.test', 120, '127.0.0.1'],
      ['api.example.test', 120, '127.0.0.2'],
    ]);
  });

  it('gives a SOA without any TTL its MINIMUM, and later records inherit it', () => {
    const records = parseZone('z.test. SOA ns.z.test. h.z.test. 1 2 3 4 77\nz.test. NS ns.z.test.');
    expect(records.map((r) => r.ttl)).toEqual([77, 77]);
  });

  it('writes the root as "." and keeps an escaped dot of an SOA mailbox as dns-packet does', () => {
    const soa = parseRecord('. 86400 IN SOA a.root-servers.test. john\\.doe.test. 1 2 3 4 5');
    expect(soa.name).toBe('.');
    expect(soa.data).toMatchObject({ mname: 'a.root-servers.test', rname: 'john\\.doe.test' });
    expect(roundTrip([soa])).toEqual([soa]);
  });

  it('reads BIND full canonical output (named-checkzone -D -s full), comments and all', () => {
    const text = [
      'lamdong.gov.test.\t\t\t      300 IN RRSIG\tSOA 13 3 300 20300101000000 20250101000000 51184 lamdong.gov.test. 2RsiX53r3sikTf3QTxht0MWwOPvM+m1blHhAk6h4B0UtIaVvb0O2a3Ml UC28oyI4vVjkwQSImTzAfvYf+Lu2aw==',
      '; resign=20261228094906',
      'lamdong.gov.test.\t\t\t      0\tIN NSEC3PARAM\t1 0 5 AABBCCDD',
      '0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM.lamdong.gov.test. 300 IN NSEC3\t1 1 5 AABBCCDD 0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM A NS SOA RRSIG DNSKEY NSEC3PARAM',
      'ent.lamdong.gov.test. 300 IN NSEC3 1 0 0 - 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom',
      'lamdong.gov.test. 300 IN NSEC alpha.lamdong.gov.test. TYPE1234 NSEC RRSIG MX A',
    ].join('\n');
    const [rrsig, param, nsec3, emptyNsec3, nsec] = parseZone(text);
    expect(rrsig.data).toEqual({
      typeCovered: 'SOA',
      algorithm: 13,
      labels: 3,
      originalTTL: 300,
      expiration: 1893456000,
      inception: 1735689600,
      keyTag: 51184,
      signersName: 'lamdong.gov.test',
      signature: Buffer.from(
        '2RsiX53r3sikTf3QTxht0MWwOPvM+m1blHhAk6h4B0UtIaVvb0O2a3MlUC28oyI4vVjkwQSImTzAfvYf+Lu2aw==',
        'base64',
      ),
    });
    // dns-packet has no NSEC3PARAM codec: it decodes the rdata as a Buffer.
    expect(param).toMatchObject({
      type: 'NSEC3PARAM',
      ttl: 0,
      data: Buffer.from('0100000504aabbccdd', 'hex'),
    });
    const hash = Buffer.from('065368abeed7ec6e9feba96b8c8bc3e8b791f716', 'hex');
    expect(nsec3).toMatchObject({
      name: '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.lamdong.gov.test',
      data: {
        algorithm: 1,
        flags: 1,
        iterations: 5,
        salt: Buffer.from('aabbccdd', 'hex'),
        nextDomain: hash,
        rrtypes: ['A', 'NS', 'SOA', 'RRSIG', 'DNSKEY', 'NSEC3PARAM'],
      },
    });
    expect(emptyNsec3.data).toMatchObject({ salt: Buffer.alloc(0), rrtypes: [] });
    expect(nsec.data).toEqual({
      nextDomain: 'alpha.lamdong.gov.test',
      rrtypes: ['A', 'MX', 'RRSIG', 'NSEC', 'UNKNOWN_1234'],
    });
    expect(roundTrip([rrsig, param, nsec3, emptyNsec3, nsec])).toEqual([
      rrsig,
      param,
      nsec3,
      emptyNsec3,
      nsec,
    ]);
  });

  it('accepts RRSIG times as seconds and algorithm mnemonics', () => {
    const record = parseRecord(
      'x.test. 60 IN RRSIG A ECDSAP256SHA256 2 60 1893456000 1735689600 1 test. AAAA',
    );
    expect(record.data).toMatchObject({
      algorithm: 13,
      expiration: 1893456000,
      inception: 1735689600,
    });
  });

  it('parses TLSA, HINFO, CDS and CDNSKEY (the last two as dns-packet Buffers)', () => {
    const records = parseZone(`$ORIGIN t.test.
_25._tcp.mail TLSA 3 1 1 ( 0C72AC70B745AC19998811B131D662C9
                            AC69DBDBE7CB23E5B514B56664C5D3D6 )
host HINFO "PDP-11" UNIX
@ CDS 0 0 0 00
@ CDNSKEY 0 3 0 AA==
`);
    expect(records[0].data).toEqual({
      usage: 3,
      selector: 1,
      matchingType: 1,
      certificate: Buffer.from(
        '0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6',
        'hex',
      ),
    });
    expect(records[1].data).toEqual({ cpu: 'PDP-11', os: 'UNIX' });
    expect(records[2].data).toEqual(Buffer.from('0000000000', 'hex'));
    expect(records[3].data).toEqual(Buffer.from('0000030000', 'hex'));
    expect(roundTrip(records)).toEqual(records);
  });
});

describe('RFC 3597 unknown types and generic rdata', () => {
  it('parses TYPEnnn with \\# rdata as dns-packet names it', () => {
    const record = parseRecord('x.test. 60 CLASS1 TYPE731 \\# 6 abcd ( ef 012345 )');
    expect(record).toEqual({
      name: 'x.test',
      type: 'UNKNOWN_731',
      ttl: 60,
      class: 'IN',
      flush: false,
      data: Buffer.from('abcdef012345', 'hex'),
    });
    expect(roundTrip([record])).toEqual([record]);
  });

  it('decodes generic rdata of a known type into that type', () => {
    expect(parseRecord('x.test. 60 IN TYPE1 \\# 4 7F000001').data).toBe('127.0.0.1');
    expect(parseRecord('x.test. 60 IN A \\# 4 7F000002').data).toBe('127.0.0.2');
    expect(parseRecord('x.test. 60 IN MX \\# 3 000a 00').data).toEqual({
      preference: 10,
      exchange: '.',
    });
    expect(parseRecord('x.test. 60 IN TYPE65 \\# 0').data).toEqual(Buffer.alloc(0));
  });

  it('rejects generic rdata whose length or content does not fit', () => {
    expect(() => parseRecord('x.test. 60 IN TYPE731 \\# 3 abcd')).toThrow(/2 octets, not the 3/);
    expect(() => parseRecord('x.test. 60 IN A \\# 3 7f0000')).toThrow(/not a valid A/);
  });
});

describe('type names', () => {
  it('agree with dns-packet for every type code', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const name = typeName(code);
      if (typeCode(name) !== code)
        throw new Error(`type ${code} named ${name} maps back to ${typeCode(name)}`);
    }
    expect(typeName(50)).toBe('NSEC3');
    expect(typeName(65)).toBe('UNKNOWN_65');
    expect(typeCode('https')).toBe(65);
    expect(typeCode('TYPE65535')).toBe(65535);
    expect(typeCode('TYPE65536')).toBeUndefined();
    expect(typeCode('BOGUS')).toBeUndefined();
  });

  it('base32hex round-trips the RFC 5155 Appendix A hash of "example"', () => {
    const hash = Buffer.from('065368abeed7ec6e9feba96b8c8bc3e8b791f716', 'hex');
    expect(encodeBase32Hex(hash)).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
    expect(decodeBase32Hex('0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM')).toEqual(hash);
    expect(decodeBase32Hex('0p9w')).toBeUndefined();
  });
});

describe('PresentationError', () => {
  it.each([
    ['x.test. 60 IN A 127.0.0.1 (\n', 1, /'\(' without a matching '\)'/],
    ['x.test. 60 IN A 127.0.0.1 )', 1, /'\)' without a matching '\('/],
    ['$TTL 60\n\nx.test. IN A 127.0.0.256', 3, /not an IPv4 address/],
    ['x.test. 60 IN AAAA fe80::1%eth0', 1, /not an IPv6 address/],
    ['x.test. 60 IN BOGUS foo', 1, /"BOGUS" is not an RR type/],
    ['x.test. 60 CH TXT "chaos"', 1, /class CH is not supported/],
    ['x.test. 60 IN TXT "unterminated', 1, /unterminated quoted string/],
    ['x.test. 60 IN SOA ns h 1 2 3 4', 1, /missing minimum/],
    ['x.test. 60 IN MX 70000 mail.test.', 1, /preference "70000"/],
    ['x.test. 60 IN A 127.0.0.1 127.0.0.2', 1, /unexpected "127.0.0.2"/],
    ['a\\.b.test. 60 IN A 127.0.0.1', 1, /label holding "\." cannot be represented/],
    ['a..test. 60 IN A 127.0.0.1', 1, /empty label/],
    [`${'a'.repeat(64)}.test. 60 IN A 127.0.0.1`, 1, /longer than 63/],
    ['x.test. 3000000000 IN A 127.0.0.1', 1, /above 2\^31-1/],
    ['x.test. 60 IN DS 1 8 2 ABC', 1, /not an even number of hexadecimal digits/],
    ['x.test. 60 IN DS 1 8 2', 1, /missing digest/],
    ['x.test. 60 IN DNSKEY 257 2 8 AwEAAQ==', 1, /protocol 2 is not 3/],
    ['x.test. 60 IN DNSKEY 257 3 8 not*base64', 1, /public key is not base64/],
    ['x.test. 60 IN DNSKEY 257 3 NOPE AwEAAQ==', 1, /algorithm "NOPE"/],
    [
      'x.test. 60 IN RRSIG A 8 2 60 20250230000000 20250101000000 1 test. AA==',
      1,
      /not a valid date/,
    ],
    ['x.test. 60 IN RRSIG BOGUS 8 2 60 1 0 1 test. AA==', 1, /type covered "BOGUS"/],
    ['x.test. 60 IN NSEC y.test. A BOGUS', 1, /"BOGUS" in the type bitmap/],
    ['x.test. 60 IN NSEC3 1 0 0 - notbase32hexwx A', 1, /not base32hex/],
    ['x.test. 60 IN CAA 1 issue "ca.test"', 1, /flags other than 0 and 128/],
    ['x.test. 60 IN OPT \\# 0', 1, /cannot appear in zone data/],
    ['x.test. 60 IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m', 1, /RFC 3597/],
    ['$INCLUDE other.zone', 1, /\$INCLUDE is not supported/],
    ['  60 IN A 127.0.0.1', 1, /no previous owner/],
    ['x.test. 60 IN TXT "\\256"', 1, /above 255/],
  ])('%j fails on line %i', (text, line, message) => {
    const error = parseError(text);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`^line ${line}: `));
  });

  it('reports the line of the failing field inside a multi-line record', () => {
    const error = parseError('x.test. 60 IN SOA ns.test. h.test. (\n 1\n 2\n three\n 4 5 )');
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/retry "three"/);
  });

  it('parseRecord wants exactly one record', () => {
    expect(() => parseRecord('; nothing')).toThrow(/expected one record, found 0/);
    expect(() => parseRecord('a.test. 1 A 127.0.0.1\nb.test. 1 A 127.0.0.1')).toThrow(
      /expected one record, found 2/,
    );
  });
});
