import { formatInterfaceAddress, parseAddress, parseHost, ParsedAddress, parsePrefix } from './ip';

function parsed(result: ParsedAddress | string): ParsedAddress {
  if (typeof result === 'string') throw new Error(`expected an address, got problem "${result}"`);
  return result;
}

describe('parseAddress', () => {
  it.each<[string, ParsedAddress]>([
    [
      '198.51.100.7/24',
      { family: 4, host: '198.51.100.7', prefixLength: 24, network: '198.51.100.0/24' },
    ],
    [
      '203.0.113.9',
      { family: 4, host: '203.0.113.9', prefixLength: 32, network: '203.0.113.9/32' },
    ],
    [
      ' 198.51.100.7/26 ',
      { family: 4, host: '198.51.100.7', prefixLength: 26, network: '198.51.100.0/26' },
    ],
    [
      '2001:0DB8:0000:0000:0000:0000:0000:0001/64',
      { family: 6, host: '2001:db8::1', prefixLength: 64, network: '2001:db8::/64' },
    ],
    [
      '2001:db8::a',
      { family: 6, host: '2001:db8::a', prefixLength: 128, network: '2001:db8::a/128' },
    ],
    [
      '2001:db8:0:0:1:0:0:1/128',
      { family: 6, host: '2001:db8::1:0:0:1', prefixLength: 128, network: '2001:db8::1:0:0:1/128' },
    ],
  ])('parses %s into canonical parts', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['198.51.100', 'is not an IPv4 or IPv6 address'],
    ['198.51.100.256', 'is not an IPv4 or IPv6 address'],
    ['198.51.100.7/33', 'is not an IPv4 or IPv6 address'],
    ['198.51.100.7/', 'is not an IPv4 or IPv6 address'],
    ['198.51.100.7/-1', 'is not an IPv4 or IPv6 address'],
    ['198.051.100.7', 'is not an IPv4 or IPv6 address'],
    ['lamdong.gov.vn', 'is not an IPv4 or IPv6 address'],
    ['2001:db8:::1', 'is not an IPv4 or IPv6 address'],
    ['2001:db8::g', 'is not an IPv4 or IPv6 address'],
    ['2001:db8::12345', 'is not an IPv4 or IPv6 address'],
    ['2001:db8::1/129', 'is not an IPv4 or IPv6 address'],
    ['2001:db8::1/64/1', 'is not an IPv4 or IPv6 address'],
    ['fe80::1%eth0', 'must not carry a zone index'],
  ])('refuses %j: %s', (text, problem) => {
    expect(parseAddress(text)).toBe(problem);
  });

  it.each(['::ffff:198.51.100.7', '::ffff:198.51.100.7/128', '::FFFF:203.0.113.1'])(
    'refuses IPv4-mapped IPv6 %s, pointing at the IPv4 form',
    (text) => {
      expect(parseAddress(text)).toBe('is an IPv4-mapped IPv6 address; use the IPv4 address');
    },
  );

  it('refuses IPv4-mapped IPv6 written in hex (::ffff:c633:6407)', () => {
    expect(typeof parseAddress('::ffff:c633:6407')).toBe('string');
  });

  it('accepts a NAT64 address written with an embedded dotted quad', () => {
    expect(parseAddress('64:ff9b::198.51.100.7')).toEqual(parseAddress('64:ff9b::c633:6407'));
  });
});

describe('parseHost', () => {
  it('accepts a single address and refuses a prefix length', () => {
    expect(parsed(parseHost('198.51.100.2')).host).toBe('198.51.100.2');
    expect(parsed(parseHost('2001:DB8::2')).host).toBe('2001:db8::2');
    expect(parseHost('198.51.100.2/32')).toBe('must be a single address without a prefix length');
    expect(parseHost('2001:db8::2/128')).toBe('must be a single address without a prefix length');
  });

  it('passes on address problems', () => {
    expect(parseHost('::ffff:198.51.100.2')).toMatch(/IPv4-mapped/);
    expect(parseHost('198.51.100.999')).toBe('is not an IPv4 or IPv6 address');
  });
});

describe('parsePrefix', () => {
  it.each<[string, string, 4 | 6]>([
    ['198.51.100.0/24', '198.51.100.0/24', 4],
    ['203.0.113.128/25', '203.0.113.128/25', 4],
    ['0.0.0.0/0', '0.0.0.0/0', 4],
    ['2001:DB8:0100:0000::/48', '2001:db8:100::/48', 6],
    ['2001:db8::/32', '2001:db8::/32', 6],
    ['::/0', '::/0', 6],
  ])('accepts %s as %s', (text, network, family) => {
    expect(parsed(parsePrefix(text))).toMatchObject({ network, family });
  });

  it('refuses host bits, naming the network the user probably meant', () => {
    expect(parsePrefix('198.51.100.1/24')).toBe(
      'has host bits set; the network is 198.51.100.0/24',
    );
    expect(parsePrefix('2001:db8:100::1/48')).toBe(
      'has host bits set; the network is 2001:db8:100::/48',
    );
  });

  it('refuses a network without a prefix length', () => {
    expect(parsePrefix('198.51.100.0')).toBe(
      'must be a network in CIDR form, e.g. 198.51.100.0/24',
    );
  });

  it('words parse problems for networks', () => {
    expect(parsePrefix('198.51.100.0/33')).toBe('is not an IPv4 or IPv6 network');
    expect(parsePrefix('2001:db8:::/48')).toBe('is not an IPv4 or IPv6 network');
    expect(parsePrefix('::ffff:198.51.100.0/120')).toMatch(/IPv4-mapped/);
  });
});

describe('formatInterfaceAddress', () => {
  const format = (text: string) => formatInterfaceAddress(parsed(parseAddress(text)));

  it('writes host/length in canonical form', () => {
    expect(format('198.51.100.10/26')).toBe('198.51.100.10/26');
    expect(format('2001:0db8:0:0::0010/64')).toBe('2001:db8::10/64');
  });

  it('writes a full-length address without its length, as PostgreSQL prints inet', () => {
    expect(format('203.0.113.5')).toBe('203.0.113.5');
    expect(format('203.0.113.5/32')).toBe('203.0.113.5');
    expect(format('2001:db8::5/128')).toBe('2001:db8::5');
    expect(format('2001:db8::5/127')).toBe('2001:db8::5/127');
  });
});
