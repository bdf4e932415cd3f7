import { Address4, Address6 } from 'ip-address';

/**
 * The networks probes may send packets to (NETWATCH_PROBE_SCOPE). A probe asks before every
 * packet; an address outside the scope is `not_tested`, and nothing is sent.
 */
export class ProbeScope {
  private constructor(private readonly networks: (Address4 | Address6)[]) {}

  /** `127.0.0.0/8,::1/128`; throws naming the bad entry. */
  static parse(text: string): ProbeScope {
    const networks = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((cidr) => {
        try {
          return cidr.includes(':') ? new Address6(cidr) : new Address4(cidr);
        } catch {
          throw new Error(`probe scope: "${cidr}" is not a network in CIDR form`);
        }
      });
    return new ProbeScope(networks);
  }

  /** Everything: for callers that have no scope configured. */
  static everything(): ProbeScope {
    return new ProbeScope([new Address4('0.0.0.0/0'), new Address6('::/0')]);
  }

  allows(address: string): boolean {
    let a: Address4 | Address6;
    try {
      a = address.includes(':') ? new Address6(address) : new Address4(address);
    } catch {
      return false;
    }
    // ::ffff:a.b.c.d reaches an IPv4 host through a dual-stack socket: judge it as IPv4.
    if (a instanceof Address6 && a.isMapped4()) a = a.to4();
    if (a instanceof Address4) {
      const v4 = a;
      return this.networks.some((n) => n instanceof Address4 && v4.isInSubnet(n));
    }
    const v6 = a;
    return this.networks.some((n) => n instanceof Address6 && v6.isInSubnet(n));
  }

  toString(): string {
    return this.networks.map((n) => n.address).join(',');
  }
}
