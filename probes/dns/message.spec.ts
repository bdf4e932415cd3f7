import * as dnsPacket from 'dns-packet';
import {
  decodeMessage,
  encodeQuery,
  fqdn,
  MalformedMessageError,
  MAX_MESSAGE_BYTES,
  normalizeName,
  QueryOptions,
} from './message';

/** A 12-byte header: id, flags word, then the four section counts. */
function header(id: number, flags: number, qd: number, an: number, ns: number, ar: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(flags, 2);
  b.writeUInt16BE(qd, 4);
  b.writeUInt16BE(an, 6);
  b.writeUInt16BE(ns, 8);
  b.writeUInt16BE(ar, 10);
  return b;
}

const QR = 1 << 15;

function response(packet: Partial<dnsPacket.Packet>): Buffer {
  return dnsPacket.encode({ type: 'response', id: 4242, ...packet });
}

function malformed(buf: Buffer): MalformedMessageError {
  try {
    decodeMessage(buf);
  } catch (err) {
    if (err instanceof MalformedMessageError) return err;
    throw new Error(`expected MalformedMessageError, got ${String(err)}`);
  }
  throw new Error('expected MalformedMessageError, but the message decoded');
}

describe('decodeMessage on valid responses', () => {
  it('decodes id, every header flag, the question and the answers', () => {
    const buf = response({
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER |
        dnsPacket.TRUNCATED_RESPONSE |
        dnsPacket.RECURSION_DESIRED |
        dnsPacket.RECURSION_AVAILABLE |
        dnsPacket.AUTHENTIC_DATA |
        dnsPacket.CHECKING_DISABLED,
      questions: [{ name: 'www.example.test', type: 'A', class: 'IN' }],
      answers: [{ name: 'www.example.test', type: 'A', class: 'IN', ttl: 60, data: '127.0.0.7' }],
    });
    const m = decodeMessage(buf);
    expect(m.id).toBe(4242);
    expect(m.rcode).toBe('NOERROR');
    expect(m.flags).toEqual({ aa: true, tc: true, rd: true, ra: true, ad: true, cd: true });
    expect(m.question).toEqual({ name: 'www.example.test', type: 'A' });
    expect(m.answers).toHaveLength(1);
    expect(m.answers[0]).toMatchObject({
      name: 'www.example.test',
      type: 'A',
      ttl: 60,
      data: '127.0.0.7',
    });
    expect(m.authorities).toEqual([]);
    expect(m.additionals).toEqual([]);
    expect(m.edns).toBeNull();
    expect(m.size).toBe(buf.length);
  });

  it('reports every flag as false when none is set', () => {
    const m = decodeMessage(response({ flags: 0, questions: [{ name: 'a.test', type: 'A' }] }));
    expect(m.flags).toEqual({ aa: false, tc: false, rd: false, ra: false, ad: false, cd: false });
  });

  it.each([
    [3, 'NXDOMAIN'],
    [2, 'SERVFAIL'],
    [5, 'REFUSED'],
    [1, 'FORMERR'],
    [0, 'NOERROR'],
  ])('decodes rcode %i as %s', (code, name) => {
    const m = decodeMessage(response({ flags: code, questions: [{ name: 'a.test', type: 'A' }] }));
    expect(m.rcode).toBe(name);
  });

  it.each([true, false])(
    'reads the EDNS DO bit (%s) and payload size, keeping OPT out of additionals',
    (doBit) => {
      const m = decodeMessage(
        response({
          questions: [{ name: 'a.test', type: 'A' }],
          additionals: [
            { name: 'ns.a.test', type: 'A', class: 'IN', ttl: 5, data: '127.0.0.1' },
            {
              name: '.',
              type: 'OPT',
              udpPayloadSize: 1232,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: doBit ? dnsPacket.DNSSEC_OK : 0,
              flag_do: doBit,
              options: [],
            },
          ],
        }),
      );
      expect(m.edns).toEqual({ udpPayloadSize: 1232, dnssecOk: doBit });
      expect(m.additionals.map((r) => r.type)).toEqual(['A']);
    },
  );

  it('normalizes owner and question names: lower case, no trailing dot, the root as "."', () => {
    const m = decodeMessage(
      response({
        questions: [{ name: 'WWW.Example.TEST.', type: 'AAAA' }],
        answers: [
          { name: 'WWW.Example.TEST.', type: 'AAAA', class: 'IN', ttl: 1, data: '::1' },
          { name: '.', type: 'TXT', class: 'IN', ttl: 1, data: 'root' },
        ],
        authorities: [
          { name: 'Example.TEST', type: 'NS', class: 'IN', ttl: 1, data: 'ns1.example.test' },
        ],
      }),
    );
    expect(m.question).toEqual({ name: 'www.example.test', type: 'AAAA' });
    expect(m.answers.map((r) => r.name)).toEqual(['www.example.test', '.']);
    expect(m.authorities[0].name).toBe('example.test');
  });

  it('accepts a response without a question (question: null)', () => {
    const m = decodeMessage(header(7, QR, 0, 0, 0, 0));
    expect(m.question).toBeNull();
    expect(m.answers).toEqual([]);
  });

  it('decodes what encodeQuery produced', () => {
    const q = decodeMessage(encodeQuery({ ...QUERY, name: 'Mixed.Case.Test.' }));
    expect(q.question).toEqual({ name: 'mixed.case.test', type: 'DNSKEY' });
    expect(q.edns).toEqual({ udpPayloadSize: 1232, dnssecOk: true });
  });
});

describe('decodeMessage rejection rules', () => {
  it.each([0, 1, 5, 11])('rejects a %i-byte message as too short', (n) => {
    expect(malformed(Buffer.alloc(n)).message).toMatch(/too short/);
  });

  it('accepts exactly 12 bytes (a bare header)', () => {
    expect(decodeMessage(header(1, QR, 0, 0, 0, 0)).size).toBe(12);
  });

  it('rejects a message longer than 65535 bytes', () => {
    const big = Buffer.concat([header(1, QR, 0, 0, 0, 0), Buffer.alloc(MAX_MESSAGE_BYTES)]);
    expect(big.length).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(malformed(big).message).toMatch(/too long/);
  });

  it.each([2, 3, 65535])('rejects a question count of %i', (qd) => {
    const buf = Buffer.concat([header(1, QR, qd, 0, 0, 0), Buffer.alloc(64)]);
    expect(malformed(buf).message).toMatch(/question count/);
  });

  it('rejects two real questions', () => {
    const buf = response({
      questions: [
        { name: 'a.test', type: 'A' },
        { name: 'b.test', type: 'A' },
      ],
    });
    expect(malformed(buf).message).toMatch(/question count 2/);
  });

  it.each([
    ['answer', [0, 65535, 0, 0]],
    ['authority', [0, 0, 2, 0]],
    ['additional', [0, 0, 0, 3]],
    ['combined', [1, 1, 1, 1]],
  ] as const)('rejects %s counts that cannot fit in the message', (_section, [qd, an, ns, ar]) => {
    const buf = Buffer.concat([header(1, QR, qd, an, ns, ar), Buffer.alloc(8)]);
    expect(malformed(buf).message).toMatch(/record counts exceed the message size/);
  });

  it('rejects counts that fit the size rule but not the data (decoder overflow)', () => {
    // 2 answers * 11 bytes = 22 <= 23 bytes passes the count rule, but only one minimal record is there.
    const buf = Buffer.concat([header(1, QR, 0, 2, 0, 0), Buffer.alloc(11)]);
    expect(malformed(buf).message).toMatch(/runs past the end|cannot decode/);
  });

  it('rejects compression pointer loops and forward pointers', () => {
    const self = Buffer.concat([header(1, QR, 1, 0, 0, 0), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    const forward = Buffer.concat([
      header(1, QR, 1, 0, 0, 0),
      Buffer.from([0xc0, 18, 0, 1, 0, 1, 0]),
    ]);
    expect(malformed(self).message).toMatch(/pointer/);
    expect(malformed(forward).message).toMatch(/pointer/);
  });
  it('rejects a record whose RDLENGTH runs past the end of the message', () => {
    const ok = response({
      questions: [{ name: 'a.test', type: 'A' }],
      answers: [{ name: 'a.test', type: 'A', class: 'IN', ttl: 1, data: '127.0.0.1' }],
    });
    const bad = Buffer.from(ok);
    bad.writeUInt16BE(200, bad.length - 6); // RDLENGTH of the last record: 200, but 4 bytes follow
    expect(decodeMessage(ok).answers[0].data).toBe('127.0.0.1');
    malformed(bad);
  });
  it('rejects a message cut off inside the last record', () => {
    const ok = response({
      questions: [{ name: 'a.test', type: 'A' }],
      answers: [{ name: 'a.test', type: 'A', class: 'IN', ttl: 1, data: '127.0.0.1' }],
    });
    malformed(ok.subarray(0, ok.length - 1));
  });
});

const QUERY: QueryOptions = {
  id: 0xbeef,
  name: 'lamdong.gov.test',
  type: 'DNSKEY',
  recursionDesired: false,
  checkingDisabled: false,
  dnssecOk: true,
  udpPayloadSize: 1232,
};

describe('encodeQuery', () => {
  const decode = (o: Partial<QueryOptions>) => dnsPacket.decode(encodeQuery({ ...QUERY, ...o }));

  it('writes the id, one IN question with the normalized name, and no answers', () => {
    const p = decode({ name: 'LamDong.Gov.Test.' });
    expect(p.id).toBe(0xbeef);
    expect(p.type).toBe('query');
    expect(p.questions).toEqual([{ name: 'lamdong.gov.test', type: 'DNSKEY', class: 'IN' }]);
    expect(p.answers).toEqual([]);
  });

  it('asks for the root as "."', () => {
    expect(decode({ name: '.' }).questions?.[0].name).toBe('.');
    expect(decode({ name: '' }).questions?.[0].name).toBe('.');
  });

  it.each([
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ])('sets RD=%s and CD=%s as asked', (rd, cd) => {
    const p = decode({ recursionDesired: rd, checkingDisabled: cd });
    expect(p.flag_rd).toBe(rd);
    expect(p.flag_cd).toBe(cd);
  });

  it.each([true, false])('carries one OPT record with DO=%s and the payload size', (doBit) => {
    const p = decode({ dnssecOk: doBit, udpPayloadSize: 512 });
    const opts = (p.additionals ?? []).filter((r): r is dnsPacket.OptAnswer => r.type === 'OPT');
    expect(opts).toHaveLength(1);
    expect(opts[0].udpPayloadSize).toBe(512);
    expect(Boolean(opts[0].flag_do)).toBe(doBit);
    expect(opts[0].ednsVersion).toBe(0);
  });
});

describe('names', () => {
  it.each([
    ['WWW.Example.Test.', 'www.example.test', 'www.example.test.'],
    ['www.example.test', 'www.example.test', 'www.example.test.'],
    ['.', '.', '.'],
    ['', '.', '.'],
  ])('normalizeName(%j) is %j and fqdn is %j', (input, normalized, dotted) => {
    expect(normalizeName(input)).toBe(normalized);
    expect(fqdn(input)).toBe(dotted);
  });
});
