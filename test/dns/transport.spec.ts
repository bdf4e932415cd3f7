import { createSocket, Socket as UdpSocket } from 'node:dgram';
import { AddressInfo, createServer, Socket } from 'node:net';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { QueryResult, QuerySettings, UdpTcpTransport } from '../../probes/dns/transport';
import { QueryHook, QueryOrigin, RunningServer, start } from '../support/dns/authoritative-server';
import { loadFixtureZones } from '../support/dns/zones';

const ZONES = join(__dirname, '..', 'fixtures', 'dns', 'zones');
const QR = 1 << 15;

/**
 * UdpTcpTransport against the in-process authoritative server (loopback only). The server's
 * hook lets a test drop a query or answer it with any bytes; `origins` records which listener
 * (IPv4 or IPv6, UDP or TCP) saw every query.
 */
describe('UdpTcpTransport', () => {
  let server: RunningServer;
  let hook: QueryHook | undefined;
  const origins: QueryOrigin[] = [];
  const transport = new UdpTcpTransport();

  beforeAll(async () => {
    server = await start({
      zones: loadFixtureZones(ZONES),
      addresses: ['127.0.0.1', '::1'],
      onQuery: (query, origin) => {
        origins.push(origin);
        return hook?.(query, origin);
      },
    });
  });
  afterAll(async () => server.stop());
  beforeEach(() => {
    hook = undefined;
    origins.length = 0;
    server.queries.splice(0);
  });

  const v4 = () => ({ address: '127.0.0.1', port: server.port });
  const v6 = () => ({ address: '::1', port: server.port });
  const ask = (
    settings: QuerySettings = {},
    name = 'www.lamdong.gov.test',
    type = 'A',
    where = v4(),
  ): Promise<{ result: QueryResult; ms: number }> =>
    timed(transport.query(where, name, type, settings));
  const codeOf = (r: QueryResult) => (r.ok ? `ok/${r.protocol}` : r.error.code);

  describe('answers', () => {
    it('queries over UDP with EDNS0, DO and CD by default, and returns the checked answer', async () => {
      let seen: dnsPacket.DecodedPacket | undefined;
      hook = (q) => {
        seen = q;
        return undefined;
      };
      const { result } = await ask({}, 'WWW.LamDong.gov.test.');
      if (!result.ok) throw new Error(`query failed: ${result.error.code} ${result.error.message}`);
      expect(result.protocol).toBe('udp');
      expect(result.family).toBe(4);
      expect(result.rttMs).toBeGreaterThanOrEqual(0);
      expect(result.message.question).toEqual({ name: 'www.lamdong.gov.test', type: 'A' });
      expect(result.message.flags.aa).toBe(true);
      expect(result.message.flags.cd).toBe(true);
      expect(result.message.edns).toEqual({ udpPayloadSize: 1232, dnssecOk: true });
      expect(result.message.answers.filter((r) => r.type === 'A').map((r) => r.data)).toEqual([
        '127.0.0.1',
      ]);
      expect(result.message.answers.some((r) => r.type === 'RRSIG')).toBe(true);
      expect(server.queries).toEqual([
        { transport: 'udp', address: '127.0.0.1', name: 'www.lamdong.gov.test', type: 'A' },
      ]);
      expect(seen?.flag_rd).toBe(true);
      expect(seen?.flag_cd).toBe(true);
      const opt = seen?.additionals?.find((r): r is dnsPacket.OptAnswer => r.type === 'OPT');
      expect(opt?.udpPayloadSize).toBe(1232);
      expect(opt?.flag_do).toBe(true);
    });

    it('puts RD, CD, DO and the payload size on the wire as asked', async () => {
      let seen: dnsPacket.DecodedPacket | undefined;
      hook = (q) => {
        seen = q;
        return undefined;
      };
      const { result } = await ask({
        recursionDesired: false,
        checkingDisabled: false,
        dnssecOk: false,
        udpPayloadSize: 4000,
      });
      expect(codeOf(result)).toBe('ok/udp');
      expect(seen?.flag_rd).toBe(false);
      expect(seen?.flag_cd).toBe(false);
      const opt = seen?.additionals?.find((r): r is dnsPacket.OptAnswer => r.type === 'OPT');
      expect(opt?.udpPayloadSize).toBe(4000);
      expect(Boolean(opt?.flag_do)).toBe(false);
      // Without DO the server sends no signatures.
      expect(result.ok && result.message.answers.some((r) => r.type === 'RRSIG')).toBe(false);
    });

    it('queries over TCP only when protocol is tcp', async () => {
      const { result } = await ask({ protocol: 'tcp' });
      expect(codeOf(result)).toBe('ok/tcp');
      expect(result.ok && result.message.answers.some((r) => r.type === 'A')).toBe(true);
      expect(server.queries.map((q) => q.transport)).toEqual(['tcp']);
    });

    it('retries over TCP when the UDP answer is truncated (test. DNSKEY, RSA-2048, 512-byte buffer)', async () => {
      const { result } = await ask({ udpPayloadSize: 512 }, 'test', 'DNSKEY');
      if (!result.ok) throw new Error(`query failed: ${result.error.code} ${result.error.message}`);
      expect(result.protocol).toBe('tcp');
      expect(result.message.flags.tc).toBe(false);
      expect(result.message.size).toBeGreaterThan(512);
      expect(
        result.message.answers.filter((r) => r.type === 'DNSKEY').length,
      ).toBeGreaterThanOrEqual(2);
      expect(result.message.answers.some((r) => r.type === 'RRSIG')).toBe(true);
      expect(server.queries.map((q) => `${q.transport} ${q.name} ${q.type}`)).toEqual([
        'udp test DNSKEY',
        'tcp test DNSKEY',
      ]);
    });

    it('does not truncate when the buffer is large enough (the retry above was caused by size)', async () => {
      const { result } = await ask({ udpPayloadSize: 4096 }, 'test', 'DNSKEY');
      expect(codeOf(result)).toBe('ok/udp');
      expect(server.queries.map((q) => q.transport)).toEqual(['udp']);
    });

    it('returns "truncated" when the answer is truncated and only UDP is allowed', async () => {
      const { result } = await ask({ protocol: 'udp', udpPayloadSize: 512 }, 'test', 'DNSKEY');
      expect(codeOf(result)).toBe('truncated');
      expect(result.family).toBe(4);
      expect(server.queries.map((q) => q.transport)).toEqual(['udp']);
    });

    it.each(['udp', 'tcp'] as const)(
      'uses IPv6 for an IPv6 server (::1, %s) and never IPv4',
      async (protocol) => {
        const { result } = await ask({ protocol }, 'www.lamdong.gov.test', 'AAAA', v6());
        if (!result.ok)
          throw new Error(`query failed: ${result.error.code} ${result.error.message}`);
        expect(result.family).toBe(6);
        expect(result.protocol).toBe(protocol);
        expect(result.message.answers.filter((r) => r.type === 'AAAA').map((r) => r.data)).toEqual([
          '::1',
        ]);
        expect(origins.length).toBeGreaterThan(0);
        expect(origins.every((o) => o.family === 'IPv6' && o.address === '::1')).toBe(true);
        expect(server.queries.every((q) => q.address === '::1')).toBe(true);
      },
    );

    it('uses IPv4 for an IPv4 server and never IPv6', async () => {
      const { result } = await ask({ udpPayloadSize: 512 }, 'test', 'DNSKEY');
      expect(result.family).toBe(4);
      expect(origins.map((o) => `${o.family}/${o.transport}`)).toEqual(['IPv4/udp', 'IPv4/tcp']);
    });
    it('accepts the answer from an IPv6 server written in non-canonical form', async () => {
      const { result } = await ask({ timeoutMs: 300 }, 'www.lamdong.gov.test', 'A', {
        address: '0:0:0:0:0:0:0:1',
        port: server.port,
      });
      expect(codeOf(result)).toBe('ok/udp');
      expect(result.family).toBe(6);
    });
  });

  describe('bad servers, timeouts and aborts', () => {
    // Only names that would resolve to loopback: a regression must not send packets elsewhere.
    it.each(['localhost', '', '127.0.0.1:53'])(
      'refuses a non-IP server (%j) with bad_server and sends nothing',
      async (address) => {
        const { result, ms } = await timed(
          transport.query({ address, port: server.port }, 'www.lamdong.gov.test', 'A'),
        );
        expect(codeOf(result)).toBe('bad_server');
        expect(result.family).toBeNull();
        expect(ms).toBeLessThan(100);
        await sleep(100);
        expect(server.queries).toEqual([]);
      },
    );

    it.each(['udp', 'tcp'] as const)(
      'times out (%s) within about timeoutMs when the server drops the query',
      async (protocol) => {
        hook = () => 'drop';
        const { result, ms } = await ask({ protocol, timeoutMs: 300 });
        expect(codeOf(result)).toBe('timeout');
        expect(result.family).toBe(4);
        expect(ms).toBeGreaterThanOrEqual(280);
        expect(ms).toBeLessThan(1000);
        expect(server.queries).toHaveLength(1);
      },
    );

    it.each(['udp', 'tcp'] as const)(
      'stops quickly with "aborted" when the caller aborts (%s)',
      async (protocol) => {
        hook = () => 'drop';
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);
        const { result, ms } = await ask({ protocol, timeoutMs: 5000, signal: controller.signal });
        expect(codeOf(result)).toBe('aborted');
        expect(ms).toBeGreaterThanOrEqual(40);
        expect(ms).toBeLessThan(500);
      },
    );
    it('returns "aborted" at once, sending nothing, when the signal is already aborted', async () => {
      const late = await lateUdpServer(800);
      try {
        const { result, ms } = await timed(
          transport.query({ address: '127.0.0.1', port: late.port }, 'www.lamdong.gov.test', 'A', {
            signal: AbortSignal.abort(),
            timeoutMs: 300,
          }),
        );
        expect({ code: codeOf(result), received: late.received() }).toEqual({
          code: 'aborted',
          received: 0,
        });
        expect(ms).toBeLessThan(100);
      } finally {
        await late.close();
      }
    });

    it('returns "network" when nothing listens on the TCP port', async () => {
      const port = await unusedTcpPort();
      const { result, ms } = await timed(
        transport.query({ address: '127.0.0.1', port }, 'www.lamdong.gov.test', 'A', {
          protocol: 'tcp',
          timeoutMs: 2000,
        }),
      );
      expect(codeOf(result)).toBe('network');
      expect(ms).toBeLessThan(1000);
    });
  });

  describe('answers that are not for our query', () => {
    it('ignores a UDP answer with the wrong id: the query times out instead', async () => {
      let sent = 0;
      hook = (q) => {
        sent++;
        return answerFor(q, { id: (q.id ?? 0) ^ 0x5a5a });
      };
      const { result, ms } = await ask({ timeoutMs: 300 });
      expect(sent).toBe(1);
      expect(codeOf(result)).toBe('timeout');
      expect(ms).toBeGreaterThanOrEqual(280);
    });

    it.each([
      ['name', { name: 'evil.lamdong.gov.test' }],
      ['type', { type: 'AAAA' as const }],
    ])(
      'ignores a UDP answer with the right id but the wrong question %s',
      async (_what, change) => {
        let sent = 0;
        hook = (q) => {
          sent++;
          return answerFor(q, change);
        };
        const { result } = await ask({ timeoutMs: 300 });
        expect(sent).toBe(1);
        expect(codeOf(result)).toBe('timeout');
      },
    );

    it('accepts the same crafted answer when id and question match (the hook itself is sound)', async () => {
      hook = (q) => answerFor(q, {});
      const { result } = await ask({ timeoutMs: 300 });
      expect(codeOf(result)).toBe('ok/udp');
      expect(result.ok && result.message.answers.map((r) => r.data)).toEqual(['127.0.0.99']);
    });

    it('refuses a TCP answer with the wrong id as "mismatch"', async () => {
      hook = (q) => answerFor(q, { id: (q.id ?? 0) ^ 0x5a5a });
      const { result, ms } = await ask({ protocol: 'tcp', timeoutMs: 2000 });
      expect(codeOf(result)).toBe('mismatch');
      expect(ms).toBeLessThan(1000);
    });
  });

  describe('hostile answers', () => {
    const hostile: [string, (q: dnsPacket.DecodedPacket) => Buffer, RegExp][] = [
      [
        'a compression pointer to itself',
        (q) => Buffer.concat([head(q, 1, 0), Buffer.from([0xc0, 12, 0, 1, 0, 1])]),
        /pointer/,
      ],
      [
        'a forward compression pointer',
        (q) => Buffer.concat([head(q, 1, 0), Buffer.from([0xc0, 18, 0, 1, 0, 1, 0])]),
        /pointer/,
      ],
      [
        'an answer owner that points to itself',
        (q) => {
          const question = questionBytes(q);
          const at = 12 + question.length;
          const rr = Buffer.from([
            0xc0 | (at >> 8),
            at & 0xff,
            0,
            1,
            0,
            1,
            0,
            0,
            0,
            60,
            0,
            4,
            127,
            0,
            0,
            1,
          ]);
          return Buffer.concat([head(q, 1, 1), question, rr]);
        },
        /pointer/,
      ],
      [
        'answer count 65535 in a tiny packet',
        (q) => Buffer.concat([head(q, 1, 65535), questionBytes(q)]),
        /record counts exceed/,
      ],
      ['a truncated header (5 bytes)', (q) => head(q, 1, 0).subarray(0, 5), /too short/],
      ['random garbage', (q) => withId(q, pseudoRandomBytes(300, 0x5eed)), /./],
    ];

    describe.each(['udp', 'tcp'] as const)('over %s', (protocol) => {
      it.each(hostile)('%s → malformed, quickly', async (_name, make, why) => {
        hook = (q) => make(q);
        const { result, ms } = await ask({ protocol, timeoutMs: 2000 });
        expect(codeOf(result)).toBe('malformed');
        expect(result.ok ? '' : result.error.message).toMatch(why);
        expect(result.family).toBe(4);
        expect(ms).toBeLessThan(1000);
      });
      it('a record whose RDLENGTH runs past the end → malformed', async () => {
        hook = (q) => {
          const buf = answerFor(q, {});
          buf.writeUInt16BE(200, buf.length - 6);
          return buf;
        };
        const { result } = await ask({ protocol, timeoutMs: 2000 });
        expect(codeOf(result)).toBe('malformed');
      });
    });

    it('a 70 KB answer over TCP (more than a length prefix can carry) → malformed', async () => {
      hook = (q) => Buffer.concat([head(q, 1, 65535), Buffer.alloc(70 * 1024, 0xab)]);
      const { result, ms } = await ask({ protocol: 'tcp', timeoutMs: 2000 });
      expect(codeOf(result)).toBe('malformed');
      expect(ms).toBeLessThan(1000);
    });

    it('a maximal TCP length prefix with short data, then close → malformed', async () => {
      const raw = await rawTcpServer((socket) => {
        socket.end(Buffer.concat([Buffer.from([0xff, 0xff]), pseudoRandomBytes(100, 7)]));
      });
      try {
        const { result, ms } = await timed(
          transport.query({ address: '127.0.0.1', port: raw.port }, 'www.lamdong.gov.test', 'A', {
            protocol: 'tcp',
            timeoutMs: 2000,
          }),
        );
        expect(raw.connections()).toBe(1);
        expect(codeOf(result)).toBe('malformed');
        expect(ms).toBeLessThan(1000);
      } finally {
        await raw.close();
      }
    });

    it('more TCP data than any length prefix allows (70 KB after a 0xFFFF prefix) → malformed', async () => {
      const raw = await rawTcpServer((socket) => {
        socket.write(Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.alloc(70 * 1024, 0xff)]));
      });
      try {
        const { result, ms } = await timed(
          transport.query({ address: '127.0.0.1', port: raw.port }, 'www.lamdong.gov.test', 'A', {
            protocol: 'tcp',
            timeoutMs: 2000,
          }),
        );
        expect(codeOf(result)).toBe('malformed');
        expect(ms).toBeLessThan(1000);
      } finally {
        await raw.close();
      }
    });

    it.each([
      ['only the length prefix', Buffer.from([0x01, 0x00])],
      [
        'the prefix and part of the message',
        Buffer.concat([Buffer.from([0x01, 0x00]), Buffer.alloc(40)]),
      ],
    ])('a TCP server that sends %s, then stalls → timeout', async (_what, bytes) => {
      const raw = await rawTcpServer((socket) => {
        socket.write(bytes);
      });
      try {
        const { result, ms } = await timed(
          transport.query({ address: '127.0.0.1', port: raw.port }, 'www.lamdong.gov.test', 'A', {
            protocol: 'tcp',
            timeoutMs: 300,
          }),
        );
        expect(raw.connections()).toBe(1);
        expect(codeOf(result)).toBe('timeout');
        expect(ms).toBeGreaterThanOrEqual(280);
        expect(ms).toBeLessThan(1000);
      } finally {
        await raw.close();
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function timed<T>(promise: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await promise;
  return { result, ms: performance.now() - started };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A response header echoing the query's id, with QR and AA set. */
function head(q: dnsPacket.DecodedPacket, qd: number, an: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(q.id ?? 0, 0);
  b.writeUInt16BE(QR | dnsPacket.AUTHORITATIVE_ANSWER, 2);
  b.writeUInt16BE(qd, 4);
  b.writeUInt16BE(an, 6);
  return b;
}

/** The query's question section, as wire bytes. */
function questionBytes(q: dnsPacket.DecodedPacket): Buffer {
  const encoded = dnsPacket.encode({ type: 'query', id: 0, questions: q.questions ?? [] });
  return encoded.subarray(12);
}

function withId(q: dnsPacket.DecodedPacket, bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b.writeUInt16BE(q.id ?? 0, 0);
  return b;
}

/** A well-formed answer (A 127.0.0.99, the last 6 bytes are RDLENGTH + RDATA), optionally altered. */
function answerFor(
  q: dnsPacket.DecodedPacket,
  change: { id?: number; name?: string; type?: dnsPacket.RecordType },
): Buffer {
  const question = q.questions?.[0];
  const name = change.name ?? question?.name ?? '.';
  return dnsPacket.encode({
    type: 'response',
    id: change.id ?? q.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ name, type: change.type ?? question?.type ?? 'A', class: 'IN' }],
    answers: [{ name, type: 'A', class: 'IN', ttl: 60, data: '127.0.0.99' }],
  });
}

/** Deterministic bytes (mulberry32), so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  let s = seed >>> 0;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/** A bare TCP server on 127.0.0.1 that runs `onQuery` once per connection, on its first data. */
async function rawTcpServer(
  onQuery: (socket: Socket) => void,
): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const tcp = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => onQuery(socket));
  });
  await new Promise<void>((resolve) => tcp.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    port: (tcp.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

async function unusedTcpPort(): Promise<number> {
  const tcp = createServer();
  await new Promise<void>((resolve) => tcp.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (tcp.address() as AddressInfo).port;
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
  return port;
}

/**
 * A UDP server on 127.0.0.1 that answers every query correctly, but only after `delayMs`: long
 * after any timeout, so a client still waiting then is not honouring its deadline.
 */
async function lateUdpServer(
  delayMs: number,
): Promise<{ port: number; received(): number; close(): Promise<void> }> {
  const socket: UdpSocket = createSocket('udp4');
  const timers = new Set<NodeJS.Timeout>();
  let received = 0;
  socket.on('message', (msg, rinfo) => {
    received++;
    const q = dnsPacket.decode(msg);
    const timer = setTimeout(() => {
      timers.delete(timer);
      socket.send(answerFor(q, {}), rinfo.port, rinfo.address, () => undefined);
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  return {
    port: socket.address().port,
    received: () => received,
    close: async () => {
      // Let pending late answers go out, so no client socket is left waiting.
      while (timers.size) await sleep(20);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
