/**
 * Run by snmp-probe.spec.ts in a child `node --openssl-legacy-provider`: SNMPv3 with DES privacy
 * against the in-process agent. Prints the outcome as JSON on stdout.
 */
import * as snmp from 'net-snmp';
import { SnmpProbe } from '../../../probes/snmp/snmp-probe';
import { desAvailable } from '../../../probes/snmp/session';
import { startTestAgent } from './test-agent';

async function main(): Promise<void> {
  const agent = await startTestAgent({
    users: [
      {
        name: 'legacy',
        level: snmp.SecurityLevel.authPriv,
        authProtocol: snmp.AuthProtocols.sha,
        authKey: 'legacy-auth-key',
        privProtocol: snmp.PrivProtocols.des,
        privKey: 'legacy-priv-key',
      },
    ],
    system: { descr: 'old switch', name: 'legacy-sw01', upTimeTicks: 100 },
    interfaces: [],
  });
  try {
    const out = await new SnmpProbe().run(
      {
        host: agent.address,
        port: agent.port,
        credentials: {
          version: 'v3',
          username: 'legacy',
          authProtocol: 'sha',
          authKey: 'legacy-auth-key',
          privProtocol: 'des',
          privKey: 'legacy-priv-key',
        },
      },
      { timeoutMs: 500, retries: 0 },
      { signal: new AbortController().signal, now: () => new Date() },
    );
    process.stdout.write(
      JSON.stringify({
        des: desAvailable(),
        status: out.status,
        sysName: out.observations.sysName,
      }),
    );
  } finally {
    await agent.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(String(err));
  process.exitCode = 1;
});
