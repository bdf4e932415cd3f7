/**
 * Shared pieces of the check runner tests: a runner wired to loopback servers, check
 * definitions, and a recording stand-in for ping. Everything here talks to 127.0.0.0/8 and ::1
 * only.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZoneRecord } from '../../../probes/dns/presentation';
import type { TrustAnchor } from '../../../probes/dns/dnssec/validator';
import type { Ipv6Anchor } from '../../../probes/ipv6/self-test';
import { ProbeScope } from '../../../probes/scope';
import type { SnmpCredentials } from '../../../probes/snmp/session';
import type {
  CheckDefinition,
  CheckKind,
  CheckTarget,
  JsonObject,
} from '../../../src/monitoring/checks/check.types';
import { CheckRunner, type CheckRunnerOptions } from '../../../src/monitoring/runner/check-runner';
import { UUID_PATTERN } from '../../../src/monitoring/results/types';

export const LOOPBACK = ProbeScope.parse('127.0.0.0/8,::1/128');

export function runnerFor(
  o: Partial<CheckRunnerOptions> & { dnsPort: number; dnsAddress?: string },
): CheckRunner {
  return new CheckRunner({
    resolver: { address: o.dnsAddress ?? '127.0.0.1', port: o.dnsPort },
    anchors: o.anchors ?? ([] as TrustAnchor[]),
    scope: o.scope ?? LOOPBACK,
    // Nothing listens on port 9 of ::1: only used where a test sets its own anchor.
    ipv6Anchor: o.ipv6Anchor ?? ({ kind: 'tcp', address: '::1', port: 9 } satisfies Ipv6Anchor),
    secrets: o.secrets ?? { snmpCredentials: async (): Promise<SnmpCredentials | null> => null },
    ...o,
  });
}

let seq = 0;
export function check(
  kind: CheckKind,
  target: CheckTarget,
  o: { family?: 4 | 6 | null; settings?: JsonObject; timeoutMs?: number } = {},
): CheckDefinition & { id: string } {
  seq++;
  const family = o.family === undefined ? null : o.family;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    key: `service:test-${seq}:${kind}${family ? `:${family}` : ''}`,
    objectType: 'service',
    objectId: `test-${seq}`,
    unitId: null,
    kind,
    family,
    target,
    settings: o.settings ?? {},
    intervalSeconds: 60,
    timeoutMs: o.timeoutMs ?? 10_000,
    thresholds: { failure: 1, success: 1 },
    enabled: true,
  };
}

/** What every result must be: a writer-ready row with JSON-safe observations. */
export function expectWellFormed(result: {
  runId: string;
  at: Date;
  durationMs: number;
  observations: object;
}): void {
  expect(result.runId).toMatch(UUID_PATTERN);
  expect(result.at).toBeInstanceOf(Date);
  expect(result.durationMs).toBeGreaterThanOrEqual(0);
  expect(JSON.parse(JSON.stringify(result.observations))).toEqual(result.observations);
}

export const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

export const ns = (name: string, target: string): ZoneRecord =>
  ({ name, type: 'NS', ttl: 300, class: 'IN', flush: false, data: target }) as ZoneRecord;

/** A stand-in for ping printing iputils' output for `address`, recording its arguments. */
export function fakePing(): { command: string; args(): string } {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-runner-ping-'));
  const command = join(dir, 'ping');
  const argsFile = join(dir, 'args');
  writeFileSync(
    command,
    [
      '#!/bin/sh',
      `printf '%s ' "$@" > '${argsFile}'`,
      'for last; do :; done',
      'echo "PING $last 56 data bytes"',
      'echo "64 bytes from $last: icmp_seq=1 ttl=64 time=0.050 ms"',
      'echo "64 bytes from $last: icmp_seq=2 ttl=64 time=0.070 ms"',
      'echo ""',
      'echo "--- $last ping statistics ---"',
      'echo "2 packets transmitted, 2 received, 0% packet loss, time 201ms"',
      'echo "rtt min/avg/max/mdev = 0.050/0.060/0.070/0.010 ms"',
      '',
    ].join('\n'),
  );
  chmodSync(command, 0o755);
  return {
    command,
    args: () => {
      try {
        return readFileSync(argsFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
}
