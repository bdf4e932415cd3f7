/**
 * The trap receiver on loopback, fed by net-snmp's own `session.trap` (v2c and v1) and by raw
 * datagrams.
 */
import { createSocket } from 'node:dgram';
import * as snmp from 'net-snmp';
import { LINK_DOWN, LINK_UP } from '../../../probes/snmp/oids';
import {
  SnmpTrapReceiver,
  TrapReceiverEvents,
  TrapReceiverOptions,
} from '../../../probes/snmp/trap-receiver';
import { freeUdpPort, LoopbackAddress } from './test-agent';

interface Device {
  name: string;
}
interface Iface {
  name: string;
}

const INVENTORY: Record<string, Record<number, string>> = {
  '127.0.0.1': { 1: 'Gi0/0', 2: 'Gi0/1' },
  '::1': { 7: 'xe-0/0/7' },
};

const resolve: TrapReceiverOptions<Device, Iface>['resolve'] = (address, ifIndex) => {
  const name = INVENTORY[address]?.[ifIndex];
  return name ? { device: { name: `dev@${address}` }, interface: { name } } : undefined;
};

const receivers: SnmpTrapReceiver<Device, Iface>[] = [];
async function receiver(
  address: LoopbackAddress = '127.0.0.1',
  communities = ['trap-community'],
): Promise<{ r: SnmpTrapReceiver<Device, Iface>; port: number }> {
  const port = await freeUdpPort(address);
  const r = new SnmpTrapReceiver<Device, Iface>({
    address,
    port,
    communities,
    resolve,
    now: () => new Date('2025-03-01T08:00:00Z'),
  });
  receivers.push(r);
  const bound = await r.listen();
  expect(bound).toEqual({ address, port });
  return { r, port };
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

function next<K extends keyof TrapReceiverEvents<Device, Iface>>(
  r: SnmpTrapReceiver<Device, Iface>,
  event: K,
  timeoutMs = 2000,
): Promise<TrapReceiverEvents<Device, Iface>[K][0]> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      r.off(event, on as never);
      reject(new Error(`no ${String(event)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (value: TrapReceiverEvents<Device, Iface>[K][0]) => {
      clearTimeout(timer);
      resolvePromise(value);
    };
    r.once(event, on as never);
  });
}

async function sendTrap(
  address: LoopbackAddress,
  port: number,
  community: string,
  typeOrOid: string | number,
  varbinds: snmp.OutgoingVarbind[],
  version: 0 | 1 = snmp.Version2c,
): Promise<void> {
  const session = snmp.createSession(address, community, {
    version,
    trapPort: port,
    transport: address === '::1' ? 'udp6' : 'udp4',
  });
  try {
    await new Promise<void>((res, rej) =>
      session.trap(typeOrOid, varbinds, { upTime: 4242 }, (err) => (err ? rej(err) : res())),
    );
  } finally {
    session.close();
  }
}

const ifVarbinds = (ifIndex: number, admin: number, oper: number): snmp.OutgoingVarbind[] => [
  { oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, type: snmp.ObjectType.Integer, value: ifIndex },
  { oid: `1.3.6.1.2.1.2.2.1.7.${ifIndex}`, type: snmp.ObjectType.Integer, value: admin },
  { oid: `1.3.6.1.2.1.2.2.1.8.${ifIndex}`, type: snmp.ObjectType.Integer, value: oper },
];

describe('SnmpTrapReceiver', () => {
  it('v2c linkDown and linkUp map to the device and interface', async () => {
    const { r, port } = await receiver();
    const down = next(r, 'link');
    await sendTrap('127.0.0.1', port, 'trap-community', LINK_DOWN, ifVarbinds(2, 1, 2));
    expect(await down).toEqual({
      kind: 'linkDown',
      version: 'v2c',
      source: { address: '127.0.0.1', port: expect.any(Number) },
      agentAddress: null,
      ifIndex: 2,
      adminStatus: 'up',
      operStatus: 'down',
      sysUpTimeTicks: 4242,
      receivedAt: '2025-03-01T08:00:00.000Z',
      device: { name: 'dev@127.0.0.1' },
      interface: { name: 'Gi0/1' },
    });
    const up = next(r, 'link');
    // Without the ifIndex varbind: the index comes from ifOperStatus's instance.
    await sendTrap('127.0.0.1', port, 'trap-community', LINK_UP, ifVarbinds(1, 1, 1).slice(1));
    expect(await up).toMatchObject({ kind: 'linkUp', ifIndex: 1, operStatus: 'up' });
    expect(r.stats()).toEqual({
      received: 2,
      link: 2,
      unknownSource: 0,
      other: 0,
      rejected: { unauthorized: 0, malformed: 0, unsupported: 0 },
    });
  });

  it('v1 linkDown (generic-trap 2) maps too', async () => {
    const { r, port } = await receiver();
    const ev = next(r, 'link');
    await sendTrap(
      '127.0.0.1',
      port,
      'trap-community',
      snmp.TrapType.LinkDown,
      ifVarbinds(1, 1, 2),
      snmp.Version1,
    );
    expect(await ev).toMatchObject({
      kind: 'linkDown',
      version: 'v1',
      ifIndex: 1,
      agentAddress: '127.0.0.1',
      interface: { name: 'Gi0/0' },
    });
  });

  it('an unknown ifIndex (or device) is reported, not dropped', async () => {
    const { r, port } = await receiver();
    const ev = next(r, 'unknownSource');
    await sendTrap('127.0.0.1', port, 'trap-community', LINK_DOWN, ifVarbinds(99, 1, 2));
    expect(await ev).toMatchObject({
      kind: 'linkDown',
      ifIndex: 99,
      source: { address: '127.0.0.1' },
    });
    expect(r.stats().unknownSource).toBe(1);
  });

  it('a wrong community is ignored and counted, without quoting it', async () => {
    const { r, port } = await receiver();
    const links: unknown[] = [];
    r.on('link', (e) => links.push(e));
    const rejected = next(r, 'rejected');
    await sendTrap('127.0.0.1', port, 'guessed-community', LINK_DOWN, ifVarbinds(1, 1, 2));
    const ev = await rejected;
    expect(ev).toMatchObject({ reason: 'unauthorized', source: { address: '127.0.0.1' } });
    expect(JSON.stringify(ev)).not.toContain('guessed-community');
    // A good trap after it still arrives, and the bad one never became a link event.
    const good = next(r, 'link');
    await sendTrap('127.0.0.1', port, 'trap-community', LINK_UP, ifVarbinds(1, 1, 1));
    await good;
    expect(links).toHaveLength(1);
    expect(r.stats()).toMatchObject({
      received: 2,
      link: 1,
      rejected: { unauthorized: 1, malformed: 0, unsupported: 0 },
    });
  });

  it('other notifications are reported as such; garbage is counted as malformed', async () => {
    const { r, port } = await receiver();
    const other = next(r, 'other');
    await sendTrap('127.0.0.1', port, 'trap-community', '1.3.6.1.6.3.1.1.5.1', []);
    expect(await other).toMatchObject({ version: 'v2c', trapOid: '1.3.6.1.6.3.1.1.5.1' });

    const malformed = next(r, 'rejected');
    const s = createSocket('udp4');
    await new Promise<void>((res, rej) =>
      s.send(Buffer.from('not snmp at all'), port, '127.0.0.1', (e) => (e ? rej(e) : res())),
    );
    await new Promise<void>((res) => s.close(() => res()));
    expect(await malformed).toMatchObject({ reason: 'malformed' });

    const noIndex = next(r, 'rejected');
    await sendTrap('127.0.0.1', port, 'trap-community', LINK_DOWN, []);
    expect(await noIndex).toMatchObject({
      reason: 'malformed',
      message: 'linkDown without ifIndex, ifAdminStatus or ifOperStatus',
    });
    expect(r.stats()).toMatchObject({
      received: 3,
      other: 1,
      rejected: { malformed: 2 },
    });
  });

  it('listens on ::1 (udp6)', async () => {
    const { r, port } = await receiver('::1');
    const ev = next(r, 'link');
    await sendTrap('::1', port, 'trap-community', LINK_DOWN, ifVarbinds(7, 2, 2));
    expect(await ev).toMatchObject({
      source: { address: '::1' },
      adminStatus: 'down',
      interface: { name: 'xe-0/0/7' },
    });
  });

  it('a port already in use: listen() rejects and leaves nothing open', async () => {
    const { port } = await receiver();
    const before = process.getActiveResourcesInfo().filter((x) => x === 'UDPWRAP').length;
    const second = new SnmpTrapReceiver<Device, Iface>({
      address: '127.0.0.1',
      port,
      communities: ['x'],
      resolve,
    });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE/);
    await new Promise((res) => setTimeout(res, 20));
    expect(process.getActiveResourcesInfo().filter((x) => x === 'UDPWRAP').length).toBe(before);
    await second.close();
  });
});
