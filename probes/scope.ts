import { Address4, Address6 } from 'ip-address';

/**
 * The networks probes may send packets to (NETWATCH_PROBE_SCOPE). A probe asks before every
 * packet; an address outside the scope is `not_tested`, and nothing is sent.
 */
export class ProbeScope {
  private constructor(
    private readonly networks: (Address4 | Address6)[],
    /** Endpoints never probed even inside the networks (the service's own database). */
    private readonly denied: { network: Address4 | Address6; port: number }[] = [],
  ) {}

  /**
   * The same scope with `port` refused on each network (CIDR). The monitoring engine denies its
   * own database this way, so a check pointed at it (an inventory URL, a custom check) sends
   * nothing there.
   */
  withDenied(endpoints: readonly { cidr: string; port: number }[]): ProbeScope {
    const denied = endpoints.map(({ cidr, port }) => {
      try {
        return { network: cidr.includes(':') ? new Address6(cidr) : new Address4(cidr), port };
      } catch {
        throw new Error(`probe scope: "${cidr}" is not a network in CIDR form`);
      }
    });
    return new ProbeScope(this.networks, [...this.denied, ...denied]);
  }

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

  /** May a probe send to `address` (and, when given, to `port` there)? */
  allows(address: string, port?: number): boolean {
    let a: Address4 | Address6;
    try {
      a = address.includes(':') ? new Address6(address) : new Address4(address);
    } catch {
      return false;
    }
    // ::ffff:a.b.c.d reaches an IPv4 host through a dual-stack socket: judge it as IPv4.
    if (a instanceof Address6 && a.isMapped4()) a = a.to4();
    const inside = (n: Address4 | Address6) =>
      a instanceof Address4
        ? n instanceof Address4 && a.isInSubnet(n)
        : n instanceof Address6 && (a as Address6).isInSubnet(n);
    if (!this.networks.some(inside)) return false;
    return port === undefined || !this.denied.some((d) => d.port === port && inside(d.network));
  }

  toString(): string {
    return this.networks.map((n) => n.address).join(',');
  }
}
