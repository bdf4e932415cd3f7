/**
 * DNS presentation format (RFC 1035 §5.1, RFC 3597 §5, RFC 4034 §§2.2-5.3, RFC 5155 §§3.3, 4.3)
 * parsed into `dns-packet` answer objects, exactly as `dnsPacket.decode` returns them for the
 * same records on the wire (names lower-cased, no trailing dot, the root as `.`; TXT data as an
 * array of Buffers; types dns-packet has no codec for, such as NSEC3PARAM, as a Buffer of the
 * rdata; unknown types as `UNKNOWN_<n>`), so every record can be re-encoded with `dnsPacket.encode`.
 *
 * Handles zone files (`$ORIGIN`, `$TTL`, `@`, relative names, omitted owner/TTL/class,
 * parentheses over several lines, `;` comments) as well as hand-written trust-anchor files.
 * Everything that cannot be represented exactly by dns-packet (a label holding a dot, a class
 * other than IN, a DNSKEY protocol other than 3, ...) is rejected with a `PresentationError`
 * rather than silently changed.
 */
import { isIPv4, isIPv6 } from 'node:net';
import * as dnsPacket from 'dns-packet';

/** A type dns-packet decodes to a raw Buffer under a name its typings do not list. */
export interface OpaqueAnswer {
  name: string;
  type: `UNKNOWN_${number}` | 'SPF';
  ttl?: number;
  class?: dnsPacket.RecordClass;
  flush?: boolean;
  data: Buffer;
}

/** One resource record as `dnsPacket.decode` returns it (never OPT). */
export type ZoneRecord = (Exclude<dnsPacket.Answer, dnsPacket.OptAnswer> | OpaqueAnswer) & {
  ttl: number;
  class: 'IN';
  flush: false;
};

export interface ParseOptions {
  /** Origin for relative names and `@` until a `$ORIGIN`; default the root. */
  origin?: string;
  /**
   * TTL of records that give none, when there is no `$TTL` and no earlier record's TTL to
   * inherit (RFC 1035 §5.1). Default 0, so trust-anchor files without TTLs parse. A SOA without
   * a TTL in that situation takes its MINIMUM field, as BIND does.
   */
  defaultTtl?: number;
}

export class PresentationError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'PresentationError';
  }
}

// ---------------------------------------------------------------------------------------------
// Types

/** IANA RR type mnemonics (https://www.iana.org/assignments/dns-parameters). */
const TYPE_CODES: Readonly<Record<string, number>> = {
  A: 1,
  NS: 2,
  MD: 3,
  MF: 4,
  CNAME: 5,
  SOA: 6,
  MB: 7,
  MG: 8,
  MR: 9,
  NULL: 10,
  WKS: 11,
  PTR: 12,
  HINFO: 13,
  MINFO: 14,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  X25: 19,
  ISDN: 20,
  RT: 21,
  NSAP: 22,
  'NSAP-PTR': 23,
  SIG: 24,
  KEY: 25,
  PX: 26,
  GPOS: 27,
  AAAA: 28,
  LOC: 29,
  NXT: 30,
  EID: 31,
  NIMLOC: 32,
  SRV: 33,
  ATMA: 34,
  NAPTR: 35,
  KX: 36,
  CERT: 37,
  A6: 38,
  DNAME: 39,
  SINK: 40,
  OPT: 41,
  APL: 42,
  DS: 43,
  SSHFP: 44,
  IPSECKEY: 45,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  DHCID: 49,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SMIMEA: 53,
  HIP: 55,
  NINFO: 56,
  RKEY: 57,
  TALINK: 58,
  CDS: 59,
  CDNSKEY: 60,
  OPENPGPKEY: 61,
  CSYNC: 62,
  ZONEMD: 63,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  UINFO: 100,
  UID: 101,
  GID: 102,
  UNSPEC: 103,
  NID: 104,
  L32: 105,
  L64: 106,
  LP: 107,
  EUI48: 108,
  EUI64: 109,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  URI: 256,
  CAA: 257,
  AVC: 258,
  DOA: 259,
  AMTRELAY: 260,
  TA: 32768,
  DLV: 32769,
};

/** Types that never appear in zone data (RFC 6895 §3.1: meta-types and QTYPEs). */
const META_TYPES = new Set([41, 249, 250, 251, 252, 253, 254, 255]);

const typeNameCache = new Map<number, string>();

/**
 * The name dns-packet gives type `code` (`A`, `NSEC3PARAM`, `UNKNOWN_1234`, ...), taken from
 * dns-packet itself by decoding a question of that type.
 */
export function typeName(code: number): string {
  let cached = typeNameCache.get(code);
  if (cached === undefined) {
    if (!Number.isInteger(code) || code < 0 || code > 0xffff) {
      throw new RangeError(`not a DNS type code: ${code}`);
    }
    const question = Buffer.from([
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      code >> 8,
      code & 255,
      0,
      1,
    ]);
    const decoded = dnsPacket.decode(question).questions;
    cached = decoded?.[0]?.type ?? `UNKNOWN_${code}`;
    typeNameCache.set(code, cached);
  }
  return cached;
}

/**
 * The numeric code of a type given as dns-packet names it (`UNKNOWN_1234`), as a mnemonic, or
 * as RFC 3597 `TYPE1234`; undefined when it is none of these.
 */
export function typeCode(type: string): number | undefined {
  const upper = type.toUpperCase();
  const known = TYPE_CODES[upper];
  if (known !== undefined) return known;
  const generic = /^(?:UNKNOWN_|TYPE)(\d{1,5})$/.exec(upper);
  if (generic) {
    const code = Number(generic[1]);
    if (code <= 0xffff) return code;
  }
  return undefined;
}

/** DNSSEC algorithm mnemonics (RFC 4034 Appendix A.1, IANA registry). */
const ALGORITHMS: Readonly<Record<string, number>> = {
  RSAMD5: 1,
  DH: 2,
  DSA: 3,
  RSASHA1: 5,
  'DSA-NSEC3-SHA1': 6,
  'RSASHA1-NSEC3-SHA1': 7,
  RSASHA256: 8,
  RSASHA512: 10,
  'ECC-GOST': 12,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
  ED448: 16,
  INDIRECT: 252,
  PRIVATEDNS: 253,
  PRIVATEOID: 254,
};

// ---------------------------------------------------------------------------------------------
// Tokenizer

interface Token {
  /** The token as written, escapes kept, surrounding quotes removed. */
  raw: string;
  quoted: boolean;
  line: number;
}

interface Entry {
  line: number;
  /** The entry's first line starts with blank space: the owner is the previous one. */
  blankOwner: boolean;
  tokens: Token[];
}

function tokenize(text: string): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let depth = 0;
  let openedAt = 0;
  let current: Entry | null = null;
  let atLineStart = true;
  let i = 0;

  const push = (token: Token): void => {
    current ??= { line: token.line, blankOwner: false, tokens: [] };
    current.tokens.push(token);
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      atLineStart = true;
      if (depth === 0 && current) {
        entries.push(current);
        current = null;
      }
      continue;
    }
    const lineStart = atLineStart;
    atLineStart = false;
    if (c === ' ' || c === '\t' || c === '\r') {
      if (lineStart && depth === 0 && !current) {
        current = { line, blankOwner: true, tokens: [] };
      }
      i++;
      continue;
    }
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) openedAt = line;
      depth++;
      current ??= { line, blankOwner: false, tokens: [] };
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) throw new PresentationError(line, "')' without a matching '('");
      depth--;
      i++;
      continue;
    }
    if (c === '"') {
      const start = line;
      let raw = '';
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') {
          throw new PresentationError(start, 'unterminated quoted string');
        }
        if (text[i] === '\\') {
          if (i + 1 >= text.length || text[i + 1] === '\n') {
            throw new PresentationError(start, 'unterminated quoted string');
          }
          raw += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (text[i] === '"') break;
        raw += text[i++];
      }
      i++;
      push({ raw, quoted: true, line: start });
      continue;
    }
    let raw = '';
    while (i < text.length) {
      const d = text[i];
      if (d === '\\') {
        if (i + 1 >= text.length || text[i + 1] === '\n') {
          throw new PresentationError(line, 'backslash at end of line');
        }
        raw += text.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (/[\s;()"]/.test(d)) break;
      raw += d;
      i++;
    }
    push({ raw, quoted: false, line });
  }
  if (depth > 0) throw new PresentationError(openedAt, "'(' without a matching ')'");
  if (current) entries.push(current);
  return entries.filter((entry) => entry.tokens.length > 0);
}

/** The bytes of `raw` with `\DDD` and `\X` escapes resolved (RFC 1035 §5.1). */
function unescape(raw: string, line: number): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const digits = /^\d{3}/.exec(raw.slice(i + 1, i + 4));
    if (digits) {
      const value = Number(digits[0]);
      if (value > 255) throw new PresentationError(line, `escape \\${digits[0]} is above 255`);
      bytes.push(value);
      i += 3;
    } else if (/^\d/.test(raw.slice(i + 1))) {
      throw new PresentationError(line, 'a \\DDD escape needs exactly three digits');
    } else {
      bytes.push(...Buffer.from(raw[i + 1], 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}

// ---------------------------------------------------------------------------------------------
// Field parsers

class Fields {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly entryLine: number,
    private readonly what: string,
  ) {}

  next(field: string): Token {
    const token = this.tokens[this.index];
    if (!token) {
      throw new PresentationError(this.lastLine(), `${this.what}: missing ${field}`);
    }
    this.index++;
    return token;
  }

  nextUnquoted(field: string): Token {
    const token = this.next(field);
    if (token.quoted) throw new PresentationError(token.line, `${this.what}: ${field} is quoted`);
    return token;
  }

  /** All remaining tokens (possibly none). */
  rest(): Token[] {
    const rest = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return rest;
  }

  hasMore(): boolean {
    return this.index < this.tokens.length;
  }

  end(): void {
    const extra = this.tokens[this.index];
    if (extra) {
      throw new PresentationError(
        extra.line,
        `${this.what}: unexpected "${extra.raw}" after the rdata`,
      );
    }
  }

  fail(message: string, token?: Token): never {
    throw new PresentationError(token?.line ?? this.lastLine(), `${this.what}: ${message}`);
  }

  private lastLine(): number {
    return this.tokens[this.tokens.length - 1]?.line ?? this.entryLine;
  }
}

function parseUint(fields: Fields, field: string, max: number): number {
  const token = fields.nextUnquoted(field);
  if (!/^\d+$/.test(token.raw) || Number(token.raw) > max) {
    fields.fail(`${field} "${token.raw}" is not an integer from 0 to ${max}`, token);
  }
  return Number(token.raw);
}

function parseAlgorithm(fields: Fields): number {
  const token = fields.nextUnquoted('algorithm');
  const named = ALGORITHMS[token.raw.toUpperCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(token.raw) || Number(token.raw) > 255) {
    fields.fail(`algorithm "${token.raw}" is neither a number from 0 to 255 nor a mnemonic`, token);
  }
  return Number(token.raw);
}

const TTL_UNITS: Readonly<Record<string, number>> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/** A TTL as seconds: decimal, or BIND's unit form (`1h30m`, `2d`); undefined if not a TTL. */
function ttlValue(raw: string): number | undefined {
  let seconds: number;
  if (/^\d+$/.test(raw)) {
    seconds = Number(raw);
  } else if (/^(\d+[wdhms])+$/i.test(raw)) {
    seconds = 0;
    for (const [, amount, unit] of raw.matchAll(/(\d+)([wdhms])/gi)) {
      seconds += Number(amount) * TTL_UNITS[unit.toLowerCase()];
    }
  } else {
    return undefined;
  }
  return seconds;
}

function checkTtl(raw: string, line: number, what = 'TTL'): number {
  const seconds = ttlValue(raw);
  if (seconds === undefined) throw new PresentationError(line, `${what} "${raw}" is not a TTL`);
  // RFC 2181 §8: a TTL is an unsigned 31-bit number.
  if (seconds > 0x7fffffff) throw new PresentationError(line, `${what} ${raw} is above 2^31-1`);
  return seconds;
}

function parseTtlField(fields: Fields, field: string): number {
  const token = fields.nextUnquoted(field);
  return checkTtl(token.raw, token.line, field);
}

function parseHex(fields: Fields, tokens: Token[], field: string, allowEmpty: boolean): Buffer {
  const hex = tokens.map((token) => token.raw).join('');
  if (tokens.some((token) => token.quoted) || !/^([0-9a-f]{2})*$/i.test(hex)) {
    fields.fail(`${field} is not an even number of hexadecimal digits`, tokens[0]);
  }
  if (!allowEmpty && hex.length === 0) fields.fail(`missing ${field}`);
  return Buffer.from(hex, 'hex');
}

function parseBase64(fields: Fields, tokens: Token[], field: string): Buffer {
  const text = tokens.map((token) => token.raw).join('');
  if (text.length === 0) fields.fail(`missing ${field}`);
  if (
    tokens.some((token) => token.quoted) ||
    text.length % 4 !== 0 ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(text)
  ) {
    fields.fail(`${field} is not base64`, tokens[0]);
  }
  return Buffer.from(text, 'base64');
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** RFC 4648 §7 base32hex without padding, as NSEC3 uses it (RFC 5155 §3.3). */
export function decodeBase32Hex(text: string): Buffer | undefined {
  const lower = text.toLowerCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of lower) {
    const digit = BASE32HEX.indexOf(c);
    if (digit < 0) return undefined;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  // Leftover bits must be padding zeros, and no more than a partial byte's worth.
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return undefined;
  return Buffer.from(bytes);
}

/** RFC 4648 §7 base32hex, lower case, without padding. */
export function encodeBase32Hex(data: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of data) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32HEX[(value >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** A name as dns-packet writes it: lower-case labels joined by dots, no trailing dot, root `.`. */
function joinName(labels: string[]): string {
  return labels.length === 0 ? '.' : labels.join('.');
}

function originLabels(origin: string): string[] {
  return origin === '.' || origin === '' ? [] : origin.split('.');
}

interface NameOptions {
  /** SOA RNAME: the first label may hold dots, written `\.` as dns-packet's mail mode does. */
  mailbox?: boolean;
}

function parseNameToken(
  token: Token,
  origin: string,
  what: string,
  options: NameOptions = {},
): string {
  if (token.quoted) throw new PresentationError(token.line, `${what}: a domain name is quoted`);
  const raw = token.raw;
  if (raw === '@') return origin;
  if (raw === '.') return '.';
  const labels: string[] = [];
  let label: number[] = [];
  let absolute = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '.') {
      if (label.length === 0) {
        throw new PresentationError(token.line, `${what}: empty label in "${raw}"`);
      }
      labels.push(labelText(label, token, what, options.mailbox === true && labels.length === 0));
      label = [];
      if (i === raw.length - 1) absolute = true;
      continue;
    }
    if (c === '\\') {
      const digits = /^\d{3}/.exec(raw.slice(i + 1, i + 4));
      if (digits) {
        const value = Number(digits[0]);
        if (value > 255) {
          throw new PresentationError(token.line, `${what}: escape \\${digits[0]} is above 255`);
        }
        label.push(value);
        i += 3;
      } else {
        label.push(raw.charCodeAt(i + 1));
        i += 1;
      }
      continue;
    }
    label.push(raw.charCodeAt(i));
  }
  if (label.length > 0) {
    labels.push(labelText(label, token, what, options.mailbox === true && labels.length === 0));
  }
  const full = absolute ? labels : [...labels, ...originLabels(origin)];
  const wireLength = full.reduce((sum, l) => sum + l.replace(/\\\./g, '.').length + 1, 0) + 1;
  if (wireLength > 255) {
    throw new PresentationError(token.line, `${what}: name "${raw}" is longer than 255 octets`);
  }
  return joinName(full);
}

function labelText(bytes: number[], token: Token, what: string, mailbox: boolean): string {
  if (bytes.length > 63) {
    throw new PresentationError(
      token.line,
      `${what}: label longer than 63 octets in "${token.raw}"`,
    );
  }
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x2e) {
      if (!mailbox) {
        throw new PresentationError(
          token.line,
          `${what}: a label holding "." cannot be represented by dns-packet ("${token.raw}")`,
        );
      }
      text += '\\.';
    } else if (byte < 0x21 || byte > 0x7e) {
      throw new PresentationError(
        token.line,
        `${what}: label octet ${byte} cannot be represented by dns-packet ("${token.raw}")`,
      );
    } else {
      text += String.fromCharCode(byte >= 0x41 && byte <= 0x5a ? byte + 32 : byte);
    }
  }
  return text;
}

/** An RRSIG time: `YYYYMMDDHHmmSS` (UTC) or seconds since the epoch (RFC 4034 §3.2). */
function parseSigTime(fields: Fields, field: string): number {
  const token = fields.nextUnquoted(field);
  const raw = token.raw;
  const date = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (date) {
    const [year, month, day, hour, minute, second] = date.slice(1).map(Number);
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    const check = new Date(ms);
    if (
      check.getUTCFullYear() !== year ||
      check.getUTCMonth() !== month - 1 ||
      check.getUTCDate() !== day ||
      check.getUTCHours() !== hour ||
      check.getUTCMinutes() !== minute ||
      check.getUTCSeconds() !== second
    ) {
      fields.fail(`${field} "${raw}" is not a valid date and time`, token);
    }
    // Serial number arithmetic (RFC 4034 §3.1.5): the value is taken modulo 2^32.
    return (((ms / 1000) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  }
  if (/^\d{1,10}$/.test(raw) && Number(raw) <= 0xffffffff) return Number(raw);
  return fields.fail(`${field} "${raw}" is neither YYYYMMDDHHmmSS nor seconds`, token);
}

function parseTypeMnemonic(fields: Fields, token: Token, field: string): string {
  const code = token.quoted ? undefined : typeCode(token.raw);
  if (code === undefined || /^UNKNOWN_/i.test(token.raw)) {
    return fields.fail(`${field} "${token.raw}" is not an RR type`, token);
  }
  return typeName(code);
}

function parseTypeList(fields: Fields): string[] {
  const codes = new Set<number>();
  for (const token of fields.rest()) {
    const code = token.quoted ? undefined : typeCode(token.raw);
    if (code === undefined || /^UNKNOWN_/i.test(token.raw)) {
      fields.fail(`"${token.raw}" in the type bitmap is not an RR type`, token);
    }
    codes.add(code);
  }
  // dns-packet decodes a bitmap in ascending type order, each type once.
  return [...codes].sort((a, b) => a - b).map(typeName);
}

function characterString(fields: Fields, token: Token, field: string): Buffer {
  const bytes = unescape(token.raw, token.line);
  if (bytes.length > 255) fields.fail(`${field} is longer than 255 octets`, token);
  return bytes;
}

function utf8String(fields: Fields, bytes: Buffer, field: string, token?: Token): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    fields.fail(`${field} is not UTF-8, which dns-packet cannot represent`, token);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Wire helpers (dns-packet does every encoding and decoding)

function asPacketAnswer(record: ZoneRecord): dnsPacket.Answer {
  return record as dnsPacket.Answer;
}

function encodeOne(record: ZoneRecord): Buffer {
  return dnsPacket.encode({ type: 'response', answers: [asPacketAnswer(record)] });
}

function decodeOne(packet: Buffer): ZoneRecord {
  const answers = dnsPacket.decode(packet).answers ?? [];
  if (answers.length !== 1) throw new Error('expected one record');
  return answers[0] as ZoneRecord;
}

/** The rdata of `record` on the wire, as dns-packet encodes it. */
export function rdataOf(record: ZoneRecord): Buffer {
  const wire = encodeOne({ ...record, name: '.' } as ZoneRecord);
  // 12-byte header, root owner (1), type, class, TTL, rdlength (10).
  return wire.subarray(12 + 1 + 10);
}

/** The record dns-packet decodes from `rdata` of type `code` (RFC 3597 generic form). */
function fromRdata(name: string, code: number, ttl: number, rdata: Buffer): ZoneRecord {
  const generic: OpaqueAnswer = {
    name,
    type: `UNKNOWN_${code}`,
    ttl,
    class: 'IN',
    flush: false,
    data: rdata,
  };
  const decoded = decodeOne(encodeOne(generic as ZoneRecord));
  // dns-packet decodes some types without checking RDLENGTH: accept only exact round trips.
  if (!rdataOf(decoded).equals(rdata)) throw new Error('rdata does not round-trip');
  return decoded;
}

// ---------------------------------------------------------------------------------------------
// Rdata parsers

interface RdataContext {
  fields: Fields;
  origin: string;
  what: string;
}

type Rdata = ZoneRecord['data'];

function parseRdata(type: string, ctx: RdataContext): { type: string; data: Rdata } {
  const fields: Fields = ctx.fields;
  const { origin, what } = ctx;
  const name = (field: string, options?: NameOptions): string =>
    parseNameToken(fields.next(field), origin, what, options);

  switch (type) {
    case 'A': {
      const token = fields.nextUnquoted('address');
      if (!isIPv4(token.raw)) fields.fail(`"${token.raw}" is not an IPv4 address`, token);
      return { type, data: token.raw };
    }
    case 'AAAA': {
      const token = fields.nextUnquoted('address');
      if (!isIPv6(token.raw) || token.raw.includes('%')) {
        fields.fail(`"${token.raw}" is not an IPv6 address`, token);
      }
      // dns-packet's own text form of the address (`::ffff:102:304`, lower case, compressed).
      const wire = encodeOne({
        name: '.',
        type: 'AAAA',
        ttl: 0,
        class: 'IN',
        flush: false,
        data: token.raw,
      });
      return { type, data: decodeOne(wire).data };
    }
    case 'NS':
    case 'CNAME':
    case 'DNAME':
    case 'PTR':
      return { type, data: name('target name') };
    case 'SOA':
      return {
        type,
        data: {
          mname: name('MNAME'),
          rname: name('RNAME', { mailbox: true }),
          serial: parseUint(fields, 'serial', 0xffffffff),
          refresh: parseTtlField(fields, 'refresh'),
          retry: parseTtlField(fields, 'retry'),
          expire: parseTtlField(fields, 'expire'),
          minimum: parseTtlField(fields, 'minimum'),
        },
      };
    case 'MX':
      return {
        type,
        data: { preference: parseUint(fields, 'preference', 0xffff), exchange: name('exchange') },
      };
    case 'TXT': {
      const tokens = fields.rest();
      if (tokens.length === 0) fields.fail('missing text');
      return { type, data: tokens.map((token) => characterString(fields, token, 'text')) };
    }
    case 'HINFO': {
      const cpu = fields.next('CPU');
      const os = fields.next('OS');
      return {
        type,
        data: {
          cpu: utf8String(fields, characterString(fields, cpu, 'CPU'), 'CPU', cpu),
          os: utf8String(fields, characterString(fields, os, 'OS'), 'OS', os),
        },
      };
    }
    case 'SRV':
      return {
        type,
        data: {
          priority: parseUint(fields, 'priority', 0xffff),
          weight: parseUint(fields, 'weight', 0xffff),
          port: parseUint(fields, 'port', 0xffff),
          target: name('target'),
        },
      };
    case 'CAA': {
      const flags = parseUint(fields, 'flags', 255);
      // dns-packet re-encodes any critical flag as exactly 128, dropping other bits.
      if (flags !== 0 && flags !== 128)
        fields.fail('flags other than 0 and 128 are not representable');
      const tagToken = fields.nextUnquoted('tag');
      if (!/^[A-Za-z0-9]{1,255}$/.test(tagToken.raw)) {
        fields.fail(`tag "${tagToken.raw}" is not alphanumeric`, tagToken);
      }
      const valueToken = fields.next('value');
      const value = utf8String(
        fields,
        unescape(valueToken.raw, valueToken.line),
        'value',
        valueToken,
      );
      return {
        type,
        data: {
          flags,
          tag: tagToken.raw.toLowerCase() as dnsPacket.CaaData['tag'],
          value,
          issuerCritical: flags === 128,
        },
      };
    }
    case 'DS':
    case 'CDS': {
      const data: dnsPacket.DsData = {
        keyTag: parseUint(fields, 'key tag', 0xffff),
        algorithm: parseAlgorithm(fields),
        digestType: parseUint(fields, 'digest type', 255),
        digest: parseHex(fields, fields.rest(), 'digest', false),
      };
      return type === 'DS' ? { type, data } : { type, data: rdataOfData('DS', data) };
    }
    case 'DNSKEY':
    case 'CDNSKEY': {
      const flags = parseUint(fields, 'flags', 0xffff);
      const protocol = parseUint(fields, 'protocol', 255);
      if (protocol !== 3) fields.fail(`protocol ${protocol} is not 3 (RFC 4034 §2.1.2)`);
      const algorithm = parseAlgorithm(fields);
      const data: dnsPacket.DnskeyData = {
        flags,
        algorithm,
        key: parseBase64(fields, fields.rest(), 'public key'),
      };
      return type === 'DNSKEY' ? { type, data } : { type, data: rdataOfData('DNSKEY', data) };
    }
    case 'RRSIG': {
      const covered = fields.nextUnquoted('type covered');
      return {
        type,
        data: {
          typeCovered: parseTypeMnemonic(fields, covered, 'type covered'),
          algorithm: parseAlgorithm(fields),
          labels: parseUint(fields, 'labels', 255),
          originalTTL: parseUint(fields, 'original TTL', 0xffffffff),
          expiration: parseSigTime(fields, 'expiration'),
          inception: parseSigTime(fields, 'inception'),
          keyTag: parseUint(fields, 'key tag', 0xffff),
          signersName: name("signer's name"),
          signature: parseBase64(fields, fields.rest(), 'signature'),
        },
      };
    }
    case 'NSEC':
      return {
        type,
        data: { nextDomain: name('next domain name'), rrtypes: parseTypeList(fields) },
      };
    case 'NSEC3': {
      const algorithm = parseUint(fields, 'hash algorithm', 255);
      const flags = parseUint(fields, 'flags', 255);
      const iterations = parseUint(fields, 'iterations', 0xffff);
      const salt = parseSalt(fields);
      const nextToken = fields.nextUnquoted('next hashed owner name');
      const nextDomain = decodeBase32Hex(nextToken.raw);
      if (!nextDomain || nextDomain.length === 0) {
        fields.fail(`next hashed owner name "${nextToken.raw}" is not base32hex`, nextToken);
      }
      return {
        type,
        data: { algorithm, flags, iterations, salt, nextDomain, rrtypes: parseTypeList(fields) },
      };
    }
    case 'NSEC3PARAM': {
      const algorithm = parseUint(fields, 'hash algorithm', 255);
      const flags = parseUint(fields, 'flags', 255);
      const iterations = parseUint(fields, 'iterations', 0xffff);
      const salt = parseSalt(fields);
      // dns-packet has no NSEC3PARAM codec and decodes its rdata as a Buffer (RFC 5155 §4.2).
      const rdata = Buffer.alloc(5 + salt.length);
      rdata.writeUInt8(algorithm, 0);
      rdata.writeUInt8(flags, 1);
      rdata.writeUInt16BE(iterations, 2);
      rdata.writeUInt8(salt.length, 4);
      salt.copy(rdata, 5);
      return { type, data: rdata };
    }
    case 'TLSA':
      return {
        type,
        data: {
          usage: parseUint(fields, 'usage', 255),
          selector: parseUint(fields, 'selector', 255),
          matchingType: parseUint(fields, 'matching type', 255),
          certificate: parseHex(fields, fields.rest(), 'certificate association data', false),
        },
      };
    default:
      return fields.fail(
        `presentation format of ${type} is not supported; write it as RFC 3597 "\\# length hex"`,
      );
  }
}

function parseSalt(fields: Fields): Buffer {
  const token = fields.nextUnquoted('salt');
  if (token.raw === '-') return Buffer.alloc(0);
  const salt = parseHex(fields, [token], 'salt', false);
  if (salt.length > 255) fields.fail('salt is longer than 255 octets', token);
  return salt;
}

function rdataOfData(type: 'DS' | 'DNSKEY', data: dnsPacket.DsData | dnsPacket.DnskeyData): Buffer {
  const record =
    type === 'DS'
      ? {
          name: '.',
          type,
          ttl: 0,
          class: 'IN' as const,
          flush: false as const,
          data: data as dnsPacket.DsData,
        }
      : {
          name: '.',
          type,
          ttl: 0,
          class: 'IN' as const,
          flush: false as const,
          data: data as dnsPacket.DnskeyData,
        };
  return rdataOf(record);
}

// ---------------------------------------------------------------------------------------------
// Records and zones

interface ParserState {
  origin: string;
  dollarTtl?: number;
  lastTtl?: number;
  lastOwner?: string;
  defaultTtl: number;
}

const CLASS_IN = /^(IN|CLASS0*1)$/i;
const OTHER_CLASS = /^(CH|CS|HS|NONE|ANY|CLASS\d+)$/i;

function parseEntry(entry: Entry, state: ParserState): ZoneRecord {
  const tokens = entry.tokens;
  let index = 0;
  let owner: string;
  if (entry.blankOwner) {
    if (state.lastOwner === undefined) {
      throw new PresentationError(
        entry.line,
        'record starts with blank space but has no previous owner',
      );
    }
    owner = state.lastOwner;
  } else {
    owner = parseNameToken(tokens[0], state.origin, 'owner');
    index = 1;
  }

  let ttl: number | undefined;
  let sawClass = false;
  while (index < tokens.length) {
    const token = tokens[index];
    if (token.quoted) break;
    if (ttl === undefined && ttlValue(token.raw) !== undefined) {
      ttl = checkTtl(token.raw, token.line);
    } else if (!sawClass && CLASS_IN.test(token.raw)) {
      sawClass = true;
    } else if (!sawClass && OTHER_CLASS.test(token.raw) && typeCode(token.raw) === undefined) {
      throw new PresentationError(token.line, `class ${token.raw} is not supported, only IN`);
    } else {
      break;
    }
    index++;
  }

  const typeToken = tokens[index];
  if (!typeToken) throw new PresentationError(entry.line, 'missing RR type');
  const code = typeToken.quoted ? undefined : typeCode(typeToken.raw);
  if (code === undefined || /^UNKNOWN_/i.test(typeToken.raw)) {
    throw new PresentationError(typeToken.line, `"${typeToken.raw}" is not an RR type`);
  }
  if (META_TYPES.has(code)) {
    throw new PresentationError(typeToken.line, `${typeToken.raw} cannot appear in zone data`);
  }
  const type = typeName(code);
  const what = `${owner} ${typeToken.raw.toUpperCase()}`;
  const fields: Fields = new Fields(tokens.slice(index + 1), typeToken.line, what);

  const first = tokens[index + 1];
  let record: ZoneRecord;
  const resolvedTtl = (soaMinimum?: number): number => {
    if (ttl !== undefined) return ttl;
    return state.dollarTtl ?? state.lastTtl ?? soaMinimum ?? state.defaultTtl;
  };

  if (first && !first.quoted && first.raw === '\\#') {
    // RFC 3597 §5: \# <length> <hex>...
    fields.next('\\#');
    const length = parseUint(fields, 'rdata length', 0xffff);
    const rdata = parseHex(fields, fields.rest(), 'rdata', true);
    if (rdata.length !== length) {
      fields.fail(`rdata has ${rdata.length} octets, not the ${length} announced`);
    }
    const recordTtl = resolvedTtl();
    try {
      record = fromRdata(owner, code, recordTtl, rdata);
    } catch {
      fields.fail(`rdata is not a valid ${type}`);
    }
  } else {
    const parsed = parseRdata(type, { fields, origin: state.origin, what });
    fields.end();
    const soaMinimum =
      parsed.type === 'SOA' ? (parsed.data as dnsPacket.SoaData).minimum : undefined;
    record = {
      name: owner,
      type: parsed.type,
      ttl: resolvedTtl(soaMinimum),
      class: 'IN',
      flush: false,
      data: parsed.data,
    } as ZoneRecord;
  }

  state.lastOwner = owner;
  if (ttl !== undefined || state.lastTtl === undefined) state.lastTtl = record.ttl;
  return record;
}

/** Parses a zone file, or any text of records in presentation format. */
export function parseZone(text: string, options: ParseOptions = {}): ZoneRecord[] {
  const state: ParserState = {
    origin: options.origin === undefined ? '.' : normalizeOrigin(options.origin),
    defaultTtl: options.defaultTtl ?? 0,
  };
  const records: ZoneRecord[] = [];
  for (const entry of tokenize(text)) {
    const first = entry.tokens[0];
    if (!entry.blankOwner && !first.quoted && first.raw.startsWith('$')) {
      const directive = first.raw.toUpperCase();
      const argument = entry.tokens[1];
      if (directive === '$ORIGIN') {
        if (!argument || entry.tokens.length > 2) {
          throw new PresentationError(entry.line, '$ORIGIN takes exactly one domain name');
        }
        state.origin = parseNameToken(argument, state.origin, '$ORIGIN');
      } else if (directive === '$TTL') {
        if (!argument || entry.tokens.length > 2) {
          throw new PresentationError(entry.line, '$TTL takes exactly one TTL');
        }
        state.dollarTtl = checkTtl(argument.raw, argument.line);
      } else {
        throw new PresentationError(entry.line, `directive ${first.raw} is not supported`);
      }
      continue;
    }
    records.push(parseEntry(entry, state));
  }
  return records;
}

/** Parses exactly one record (which may span lines in parentheses). */
export function parseRecord(text: string, options: ParseOptions = {}): ZoneRecord {
  const records = parseZone(text, options);
  if (records.length !== 1) {
    throw new PresentationError(1, `expected one record, found ${records.length}`);
  }
  return records[0];
}

function normalizeOrigin(origin: string): string {
  return parseNameToken(
    { raw: origin.endsWith('.') ? origin : `${origin}.`, quoted: false, line: 0 },
    '.',
    'origin',
  );
}
