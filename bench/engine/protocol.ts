/** What the targets child process (targets.ts) reports to the benchmark. */
export interface Endpoint {
  address: '127.0.0.1' | '::1';
  port: number;
}

export interface TargetsMessage {
  type: 'ready';
  /** The DNS server's port, the same on 127.0.0.1 and ::1, UDP and TCP. */
  dnsPort: number;
  http: Endpoint[];
  tcp: Endpoint[];
}

/** The zone the DNS server serves: h0…h(N-1) each with A 127.0.0.1 and AAAA ::1. */
export const BENCH_ZONE = 'bench.test';
export const BENCH_ZONE_NAMES = 256;

export function isTargetsMessage(m: unknown): m is TargetsMessage {
  return (
    typeof m === 'object' &&
    m !== null &&
    (m as { type?: unknown }).type === 'ready' &&
    typeof (m as { dnsPort?: unknown }).dnsPort === 'number'
  );
}
