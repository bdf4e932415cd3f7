import type { DnssecValidator, TrustAnchor } from '../../../../probes/dns/dnssec/validator';
import type { DnsServer, DnsTransport } from '../../../../probes/dns/transport';
import type { SelfTestResult } from '../../../../probes/ipv6/self-test';
import type { ProbeContext, ProbeOutcome } from '../../../../probes/probe';
import type { SnmpCredentials } from '../../../../probes/snmp/session';
import type { CheckDefinition, CheckKind, CheckTarget, JsonObject } from '../../checks/check.types';

/** Where the runner gets SNMP credentials: decrypted from `devices.snmp_secret` (see snmp-credentials.ts). */
export interface SnmpSecrets {
  /** Null: the device has no SNMP configured (or no longer). */
  snmpCredentials(deviceId: string): Promise<SnmpCredentials | null>;
}

/** What every adapter may use; one set per runner. */
export interface RunnerDeps {
  /** Every DNS question of every check goes here (one family, one server). */
  resolver: DnsServer;
  anchors: TrustAnchor[];
  transport: DnsTransport;
  secrets: SnmpSecrets;
  /** The shared validator for a given NSEC3 iteration limit (see CheckRunner). */
  validator(maxNsec3Iterations: number): DnssecValidator;
  /** The probe host's IPv6 self-test, shared by the checks of one cycle (see CheckRunner). */
  selfTest(): Promise<SelfTestResult>;
  /** The ping executable (tests point it at stand-ins). */
  pingCommand?: string;
}

export interface AdapterInput {
  check: CheckDefinition & { id: string };
  target: CheckTarget;
  settings: JsonObject;
  /** The previous result's observations (SNMP rates across runs). */
  previous?: unknown;
}

/**
 * One check kind: turns the definition into probe calls. `run` executes inside `runProbe`
 * (the run's deadline is `context.signal`); `latencyMs` picks the headline latency from the
 * (possibly partial) observations of the run.
 */
export interface Adapter {
  readonly kind: CheckKind;
  run(input: AdapterInput, deps: RunnerDeps, context: ProbeContext): Promise<ProbeOutcome<object>>;
  latencyMs(observations: object): number | null;
}
