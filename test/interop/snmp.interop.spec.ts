/**
 * The SNMP probe and trap receiver against Net-SNMP 5.9, a peer nobody here wrote: the OS
 * `snmpd` on 127.0.0.1 (v2c and v3 authPriv SHA-256/AES), and `snmptrap -v 2c` sending to our
 * receiver. snmpd reports the machine's real interfaces; `lo` is always among them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ProbeContext } from '../../probes/probe';
import { previousFrom, SnmpProbe, SnmpTarget } from '../../probes/snmp/snmp-probe';
import type { SnmpCredentials } from '../../probes/snmp/session';
import { SnmpTrapReceiver } from '../../probes/snmp/trap-receiver';
import {
  findSnmpd,
  findSnmptrap,
  freeUdpPort,
  netSnmpEnv,
  RunningSnmpd,
  startSnmpd,
} from '../support/snmpd';

const run = promisify(execFile);
const SNMPD = findSnmpd();
if (!SNMPD) {
  // CI installs snmpd; a developer machine without it skips this file and says so.
  console.warn('snmp.interop.spec.ts skipped: `snmpd` (Debian package snmpd) is not installed');
}
const describeWithSnmpd = SNMPD ? describe : describe.skip;
const SNMPTRAP = findSnmptrap();
const itWithSnmptrap = SNMPTRAP ? it : it.skip;
if (SNMPD && !SNMPTRAP) {
  console.warn('snmp.interop.spec.ts: trap test skipped: `snmptrap` (package snmp) is missing');
}

const COMMUNITY = 'nw-interop-ro';
const V3: Extract<SnmpCredentials, { version: 'v3' }> = {
  version: 'v3',
  username: 'netwatch',
  authProtocol: 'sha256',
  authKey: 'interop-auth-key',
  privProtocol: 'aes',
  privKey: 'interop-priv-key',
};

function context(): ProbeContext {
  return { signal: AbortSignal.timeout(20_000), now: () => new Date() };
}

describeWithSnmpd('SNMP against Net-SNMP snmpd', () => {
  let snmpd: RunningSnmpd;
  const probe = new SnmpProbe();
  const target = (credentials: SnmpCredentials): SnmpTarget => ({
    host: '127.0.0.1',
    port: snmpd.port,
    credentials,
  });

  beforeAll(async () => {
    snmpd = await startSnmpd({
      community: COMMUNITY,
      v3: { username: V3.username, authKey: V3.authKey, privKey: V3.privKey },
      sysName: 'netwatch-interop',
      sysDescr: 'NetWatch interop snmpd',
    });
  });
  afterAll(async () => {
    await snmpd?.stop();
  });

  it.each([
    ['v2c', { version: 'v2c', community: COMMUNITY } as SnmpCredentials],
    ['v3 authPriv SHA-256/AES', V3 as SnmpCredentials],
  ])('%s: up, system group and the lo interface with HC counters', async (_name, credentials) => {
    const first = await probe.run(
      target(credentials),
      { timeoutMs: 2000, retries: 1, watchInterfaces: ['lo'] },
      context(),
    );
    expect(first.status).toBe('up');
    expect(first.family).toBe(4);
    expect(first.reasons).toEqual([]);
    expect(first.observations).toMatchObject({
      sysName: 'netwatch-interop',
      sysDescr: 'NetWatch interop snmpd',
      sysUpTimeTicks: expect.any(Number),
    });
    const lo = first.observations.interfaces.find((i) => i.ifDescr === 'lo');
    expect(lo).toMatchObject({
      ifName: 'lo',
      ifType: 24, // softwareLoopback
      adminStatus: 'up',
      operStatus: 'up',
      monitored: true,
      counters: {
        inOctets: expect.stringMatching(/^\d+$/),
        outOctets: expect.stringMatching(/^\d+$/),
        counterBits: 64,
      },
    });

    // A second run computes a rate from the first one's counters (snmpd may cache them, so
    // the rate can be 0; what matters is that it is a rate and nobody rebooted).
    await new Promise((r) => setTimeout(r, 1100));
    const second = await probe.run(
      target(credentials),
      { timeoutMs: 2000, retries: 1, previous: previousFrom(first.observations) },
      context(),
    );
    expect(second.observations.rebooted).toBe(false);
    const lo2 = second.observations.interfaces.find((i) => i.ifDescr === 'lo');
    expect(lo2?.rateUnavailable).toBeNull();
    expect(lo2?.rate?.inBps).toBeGreaterThanOrEqual(0);
    expect(BigInt(lo2?.counters?.inOctets ?? '0')).toBeGreaterThanOrEqual(
      BigInt(lo?.counters?.inOctets ?? '0'),
    );
  });

  it('v3 with a wrong auth key: down, snmpd reports usmStatsWrongDigests', async () => {
    const out = await probe.run(
      target({ ...V3, authKey: 'not-the-auth-key' }),
      { timeoutMs: 1000, retries: 0 },
      context(),
    );
    expect(out.status).toBe('down');
    expect(out.reasons).toEqual([
      {
        code: 'snmp_auth_failed',
        message: expect.stringMatching(/wrong digest: the auth key or auth protocol/),
      },
    ]);
    expect(out.observations.error).toMatchObject({ code: 'auth', usm: 'wrong_digest' });
  });

  it('v3 with the wrong auth protocol: down, wrong digest', async () => {
    const out = await probe.run(
      target({ ...V3, authProtocol: 'sha512' }),
      { timeoutMs: 1000, retries: 0 },
      context(),
    );
    expect(out.status).toBe('down');
    expect(out.observations.error).toMatchObject({ code: 'auth', usm: 'wrong_digest' });
  });

  it('v3 with an unknown user: down, usmStatsUnknownUserNames', async () => {
    const out = await probe.run(
      target({ ...V3, username: 'nobody' }),
      { timeoutMs: 1000, retries: 0 },
      context(),
    );
    expect(out.status).toBe('down');
    expect(out.observations.error).toMatchObject({ code: 'auth', usm: 'unknown_user_name' });
  });

  it('v3 with a wrong priv key: down; snmpd drops it silently, the reason says keys may be wrong', async () => {
    const out = await probe.run(
      target({ ...V3, privKey: 'not-the-priv-key' }),
      { timeoutMs: 500, retries: 0 },
      context(),
    );
    expect(out.status).toBe('down');
    expect(out.reasons[0]).toMatchObject({
      code: 'snmp_no_answer',
      message: expect.stringMatching(/v3 keys are wrong/),
    });
  });

  it('v2c with a wrong community: down (snmpd does not answer)', async () => {
    const out = await probe.run(
      target({ version: 'v2c', community: 'guessed' }),
      { timeoutMs: 300, retries: 1 },
      context(),
    );
    expect(out.status).toBe('down');
    expect(out.reasons[0].code).toBe('snmp_no_answer');
  });

  itWithSnmptrap('snmptrap -v 2c linkDown reaches our receiver, mapped to lo', async () => {
    const port = await freeUdpPort();
    const receiver = new SnmpTrapReceiver<string, string>({
      address: '127.0.0.1',
      port,
      communities: ['nw-traps'],
      resolve: (address, ifIndex) =>
        address === '127.0.0.1' && ifIndex === 1
          ? { device: 'interop-host', interface: 'lo' }
          : undefined,
    });
    await receiver.listen();
    try {
      const link = new Promise((resolve) => receiver.once('link', resolve));
      const rejected = new Promise((resolve) => receiver.once('rejected', resolve));
      const send = (community: string) =>
        run(
          SNMPTRAP as string,
          [
            '-v',
            '2c',
            '-c',
            community,
            `127.0.0.1:${port}`,
            '',
            '1.3.6.1.6.3.1.1.5.3',
            '1.3.6.1.2.1.2.2.1.1.1',
            'i',
            '1',
            '1.3.6.1.2.1.2.2.1.7.1',
            'i',
            '1',
            '1.3.6.1.2.1.2.2.1.8.1',
            'i',
            '2',
          ],
          { env: netSnmpEnv(snmpd.dir), timeout: 10_000 },
        );
      await send('nw-traps');
      expect(await link).toMatchObject({
        kind: 'linkDown',
        version: 'v2c',
        ifIndex: 1,
        adminStatus: 'up',
        operStatus: 'down',
        sysUpTimeTicks: expect.any(Number),
        device: 'interop-host',
        interface: 'lo',
      });
      await send('wrong-community');
      expect(await rejected).toMatchObject({ reason: 'unauthorized' });
      expect(receiver.stats()).toMatchObject({
        received: 2,
        link: 1,
        rejected: { unauthorized: 1 },
      });
    } finally {
      await receiver.close();
    }
  });
});
