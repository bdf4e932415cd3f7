import * as dnsPacket from 'dns-packet';

interface Codec<T> {
  encode(value: T, buf?: Buffer, offset?: number): Buffer;
  decode(buf: Buffer, offset?: number): T;
  encodingLength(value: T): number;
}

/**
 * Parts of dns-packet that exist at run time but that @types/dns-packet does not declare: the
 * name codec and per-type RDATA codecs (encode() output starts with the 2-byte RDATA length).
 */
interface DnsPacketInternals {
  name: Codec<string>;
  record(type: string): Codec<unknown>;
  answer: Codec<dnsPacket.Answer>;
}

export const codec = dnsPacket as unknown as DnsPacketInternals;
