import * as http from 'node:http';
import { lookup as nodeLookup } from 'node:dns';
import type { AddressInfo } from 'node:net';
import {
  databaseEndpoint,
  type LookupAll,
  OutboundGuard,
  parseAllowList,
  pinnedLookup,
  type ResolvedAddress,
} from './outbound-guard';

/** A resolver that knows only the names given (IP literals resolve to themselves). */
function fakeLookup(names: Record<string, string[]>): LookupAll & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    if (/^[\d.]+$/.test(host) || host.includes(':'))
      return [{ address: host, family: host.includes(':') ? 6 : 4 }];
    const found = names[host];
    if (!found)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { asked });
}

const names = {
  'hooks.example.test': ['203.0.113.10'],
  'rebind.example.test': ['203.0.113.11', '169.254.169.254'],
  'v6meta.example.test': ['fd00:ec2::254'],
  'db.example.test': ['198.51.100.5'],
  localhost: ['::1', '127.0.0.1'],
  'metadata.google.internal': ['169.254.169.254'],
};

const guard = (options: { db?: string[]; allow?: string[]; own?: string[] } = {}) =>
  OutboundGuard.fromSettings(options.allow ?? [], options.db ?? [], fakeLookup(names));

async function refused(g: OutboundGuard, host: string, port: number): Promise<string> {
  const verdict = await g.check(host, port);
  if (verdict.kind !== 'refused')
    throw new Error(`expected ${host}:${port} refused, got ${JSON.stringify(verdict)}`);
  return verdict.reason;
}

async function allowed(g: OutboundGuard, host: string, port: number): Promise<string[]> {
  const verdict = await g.check(host, port);
  if (verdict.kind !== 'allowed')
    throw new Error(`expected ${host}:${port} allowed, got ${JSON.stringify(verdict)}`);
  return verdict.addresses.map((a) => a.address);
}

describe('outbound rule: addresses refused whatever the port', () => {
  it.each([
    ['169.254.169.254', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['FD00:EC2:0:0:0:0:0:254', 'cloud metadata'],
    ['[fd00:ec2::254]', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b::169.254.169.254', 'cloud metadata'],
    ['169.254.0.1', 'link-local'],
    ['169.254.170.2', 'link-local'],
    ['::ffff:169.254.3.4', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
  ])('%s is refused (%s)', async (host, what) => {
    expect(await refused(guard(), host, 80)).toContain(what);
  });

  it.each(['metadata.google.internal', 'METADATA.google.internal.', 'metadata.goog', 'metadata'])(
    'the metadata name %s is refused without asking DNS',
    async (host) => {
      const lookup = fakeLookup({});
      const g = OutboundGuard.fromSettings([], [], lookup);
      expect(await refused(g, host, 80)).toContain('metadata service name');
      expect(lookup.asked).toEqual([]);
    },
  );

  it('judges every address a name resolves to: one forbidden address refuses it', async () => {
    expect(await refused(guard(), 'rebind.example.test', 443)).toBe(
      'rebind.example.test:443 is a cloud metadata address (rebind.example.test resolves to 169.254.169.254)',
    );
    expect(await refused(guard(), 'v6meta.example.test', 443)).toContain('fd00:ec2::254');
  });

  it('lets ordinary, private and loopback targets through, with the addresses judged', async () => {
    const g = guard({ db: ['postgres://u:p@127.0.0.1:5432/netwatch'] });
    expect(await allowed(g, 'hooks.example.test', 443)).toEqual(['203.0.113.10']);
    expect(await allowed(g, '10.20.30.40', 8080)).toEqual(['10.20.30.40']);
    expect(await allowed(g, '127.0.0.1', 8080)).toEqual(['127.0.0.1']);
    expect(await allowed(g, 'localhost', 5433)).toEqual(['::1', '127.0.0.1']);
    expect(await allowed(g, '::1', 25)).toEqual(['::1']);
  });

  it('a name that does not resolve is unresolved, neither allowed nor refused', async () => {
    const verdict = await guard().check('nowhere.example.test', 443);
    expect(verdict.kind).toBe('unresolved');
  });

  it('a lookup that hangs ends as unresolved after lookupTimeoutMs', async () => {
    const g = new OutboundGuard({
      lookup: () => new Promise(() => undefined),
      lookupTimeoutMs: 50,
    });
    const started = Date.now();
    const verdict = await g.check('slow.example.test', 443);
    expect(verdict).toMatchObject({ kind: 'unresolved', error: { code: 'ETIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('judges URLs with their default ports', async () => {
    const g = guard({ db: ['postgres://u@127.0.0.1:443/x'] });
    expect((await g.checkUrl('https://127.0.0.1/hook')).kind).toBe('refused');
    expect((await g.checkUrl('http://127.0.0.1/hook')).kind).toBe('allowed');
    expect((await g.checkUrl('http://[::ffff:169.254.169.254]/')).kind).toBe('refused');
    // The WHATWG parser turns odd IPv4 forms into the address they mean.
    expect((await g.checkUrl('http://2852039166/latest/meta-data/')).kind).toBe('refused');
    expect((await g.checkUrl('http://0xa9.0xfe.0xa9.0xfe/')).kind).toBe('refused');
  });
});

describe("outbound rule: the service's own database", () => {
  const db = ['postgres://netwatch:secret@127.0.0.1:54329/netwatch'];

  it.each([
    ['127.0.0.1', 54329],
    ['127.0.0.2', 54329],
    ['localhost', 54329],
    ['::1', 54329],
    ['::ffff:127.0.0.1', 54329],
  ])(
    'refuses %s:%i (a loopback database is reached through any loopback address)',
    async (host, port) => {
      expect(await refused(guard({ db }), host, port)).toContain("this service's own database");
    },
  );

  it('refuses this machine’s own addresses on the port of a local database', async () => {
    const g = new OutboundGuard({
      protectedEndpoints: [{ host: '127.0.0.1', port: 54329 }],
      lookup: fakeLookup(names),
      ownAddresses: () => ['127.0.0.1', '::1', '10.1.2.3'],
    });
    expect(await refused(g, '10.1.2.3', 54329)).toContain('own database');
    expect(await allowed(g, '10.1.2.4', 54329)).toEqual(['10.1.2.4']);
  });

  it('allows the same hosts on other ports', async () => {
    expect(await allowed(guard({ db }), '127.0.0.1', 54330)).toEqual(['127.0.0.1']);
    expect(await allowed(guard({ db }), 'localhost', 5432)).toEqual(['::1', '127.0.0.1']);
  });

  it('refuses a remote database by its resolved address (default port 5432)', async () => {
    const g = guard({ db: ['postgresql://u@db.example.test/netwatch'] });
    expect(await refused(g, '198.51.100.5', 5432)).toContain('own database');
    expect(await allowed(g, '198.51.100.5', 443)).toEqual(['198.51.100.5']);
    // Loopback is not that database.
    expect(await allowed(g, '127.0.0.1', 5432)).toEqual(['127.0.0.1']);
  });

  it('reads the endpoint of a postgres URL', () => {
    expect(databaseEndpoint('postgres://u:p@127.0.0.1:5433/x')).toEqual({
      host: '127.0.0.1',
      port: 5433,
    });
    expect(databaseEndpoint('postgres://u@[::1]/x')).toEqual({ host: '::1', port: 5432 });
    expect(databaseEndpoint('postgres://u@%2Fvar%2Frun%2Fpostgresql/x')).toBeNull();
    expect(databaseEndpoint('postgres://u@h/x?host=/tmp')).toBeNull();
    expect(databaseEndpoint('not a url')).toBeNull();
  });
});

describe('outbound rule: allow-list', () => {
  it('a CIDR entry lets matching addresses through on any port', async () => {
    const g = guard({ allow: ['169.254.169.254/32', 'fe80::/10'] });
    expect(await allowed(g, '169.254.169.254', 80)).toEqual(['169.254.169.254']);
    expect(await allowed(g, 'fe80::1', 8080)).toEqual(['fe80::1']);
    expect(await refused(g, '169.254.169.253', 80)).toContain('link-local');
  });

  it('a host:port entry lets exactly that endpoint through', async () => {
    const db = ['postgres://u@127.0.0.1:54329/x'];
    const g = guard({ db, allow: ['127.0.0.1:54329', 'metadata.google.internal:80'] });
    expect(await allowed(g, '127.0.0.1', 54329)).toEqual(['127.0.0.1']);
    expect(await refused(g, '::1', 54329)).toContain('own database');
    expect(await allowed(g, 'metadata.google.internal', 80)).toEqual(['169.254.169.254']);
    expect(await refused(g, 'metadata.google.internal', 8080)).toContain('metadata');
    const byName = guard({ db, allow: ['localhost:54329', '[::1]:1'] });
    expect(await allowed(byName, 'localhost', 54329)).toEqual(['::1', '127.0.0.1']);
    expect(await refused(byName, '127.0.0.1', 54329)).toContain('own database');
  });

  it('entries are checked when the guard is made, naming the setting', () => {
    expect(() => guard({ allow: ['10.0.0.0/8', 'nonsense entry'] })).toThrow(
      /notifications\.allowedTargets \(NETWATCH_OUTBOUND_ALLOW\): "nonsense entry" is neither/,
    );
    expect(parseAllowList(['10.0.0.0/8', '[::1]:5432', 'db.internal:5432', '::1'])).toHaveLength(4);
    for (const bad of ['10.0.0.0/33', 'db.internal', 'x:0', '[db]:1', '1.2.3.4/8/1', '[::1]'])
      expect(() => parseAllowList([bad])).toThrow(JSON.stringify(bad));
  });
});

describe('pinnedLookup', () => {
  it('answers with the judged addresses only, in both callback forms', () => {
    const lookup = pinnedLookup([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    const one = jest.fn();
    lookup('anything.example.test', { family: 0 }, one);
    expect(one).toHaveBeenCalledWith(null, '127.0.0.1', 4);
    const all = jest.fn();
    lookup('anything.example.test', { all: true, family: 6 }, all);
    expect(all).toHaveBeenCalledWith(null, [{ address: '::1', family: 6 }]);
    const none = jest.fn();
    pinnedLookup([{ address: '::1', family: 6 }])('x', { family: 4 }, none);
    expect(none.mock.calls[0][0]).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('node:http connects where the lookup says, never asking DNS', async () => {
    const server = http.createServer((req, res) => res.end(req.headers.host));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      // `.invalid` never resolves (RFC 6761): an answer proves the pinned address was used.
      const host = await new Promise<string>((resolve, reject) => {
        http
          .get(
            `http://pinned.invalid:${port}/`,
            {
              agent: false,
              lookup: pinnedLookup([
                { address: '127.0.0.1', family: 4 },
              ]) as unknown as typeof nodeLookup,
            },
            (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString()));
              res.on('end', () => resolve(body));
            },
          )
          .on('error', reject);
      });
      expect(host).toBe(`pinned.invalid:${port}`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
