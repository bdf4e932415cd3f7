/**
 * net-snmp's own in-process agent on loopback, with a MIB the test fills in: the system group
 * and ifTable/ifXTable rows. Only loopback addresses, only high ports.
 */
import { createSocket, Socket } from 'node:dgram';
import * as snmp from 'net-snmp';

export type LoopbackAddress = '127.0.0.1' | '::1';

/** A free UDP port on a loopback address (bound, read, released: a tiny race, fine in tests). */
export function freeUdpPort(address: LoopbackAddress = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(address === '::1' ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export interface TestInterfaceX {
  name: string;
  alias?: string;
  /** Mbit/s. */
  highSpeed: number;
  hcIn: bigint;
  hcOut: bigint;
}

export interface TestInterface {
  ifIndex: number;
  descr: string;
  /** Default 6 (ethernetCsmacd). */
  type?: number;
  /** bit/s. */
  speed: number;
  /** 1 up, 2 down. */
  admin: number;
  oper: number;
  inOctets: number;
  outOctets: number;
  /** The ifXTable row; absent → the agent has no ifName/HC counters for this interface. */
  x?: TestInterfaceX;
}

export interface TestAgentOptions {
  address?: LoopbackAddress;
  /** Default: a free one. */
  port?: number;
  communities?: string[];
  users?: snmp.User[];
  system: { descr: string; name: string; upTimeTicks: number };
  interfaces: TestInterface[];
}

export interface TestAgent {
  address: LoopbackAddress;
  port: number;
  /** Errors the agent reported while processing packets (wrong community, bad digest, ...). */
  errors: Error[];
  setUptime(ticks: number): void;
  setCounters(
    ifIndex: number,
    counters: { inOctets?: number; outOctets?: number; hcIn?: bigint; hcOut?: bigint },
  ): void;
  setOper(ifIndex: number, oper: number): void;
  close(): Promise<void>;
}

const RO = snmp.MaxAccess['read-only'];
const T = snmp.ObjectType;

export function counter64Buffer(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(value);
  return b;
}

export async function startTestAgent(options: TestAgentOptions): Promise<TestAgent> {
  const address = options.address ?? '127.0.0.1';
  const port = options.port ?? (await freeUdpPort(address));
  const errors: Error[] = [];
  const sockets: Socket[] = [];
  const agent = snmp.createAgent(
    {
      address,
      port,
      transport: address === '::1' ? 'udp6' : 'udp4',
      dgramModule: {
        createSocket: (type) => {
          const s = createSocket(type);
          sockets.push(s);
          return s;
        },
      },
    },
    (error) => {
      if (error) errors.push(error);
    },
  );
  await new Promise<void>((resolve, reject) => {
    sockets[0].once('listening', resolve);
    sockets[0].once('error', reject);
  });
  for (const c of options.communities ?? ['public']) agent.getAuthorizer().addCommunity(c);
  for (const u of options.users ?? []) agent.getAuthorizer().addUser(u);

  const mib = agent.getMib();
  const scalar = (name: string, oid: string, scalarType: snmp.ObjectTypeValue) =>
    mib.registerProvider({
      name,
      type: snmp.MibProviderType.Scalar,
      oid,
      scalarType,
      maxAccess: RO,
    });
  scalar('sysDescr', '1.3.6.1.2.1.1.1', T.OctetString);
  scalar('sysUpTime', '1.3.6.1.2.1.1.3', T.TimeTicks);
  scalar('sysName', '1.3.6.1.2.1.1.5', T.OctetString);
  mib.setScalarValue('sysDescr', options.system.descr);
  mib.setScalarValue('sysUpTime', options.system.upTimeTicks);
  mib.setScalarValue('sysName', options.system.name);

  const col = (number: number, name: string, type: snmp.ObjectTypeValue): snmp.TableColumn => ({
    number,
    name,
    type,
    maxAccess: RO,
  });
  mib.registerProvider({
    name: 'ifTable',
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.2.1.2.2.1',
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      col(1, 'ifIndex', T.Integer),
      col(2, 'ifDescr', T.OctetString),
      col(3, 'ifType', T.Integer),
      col(5, 'ifSpeed', T.Gauge),
      col(7, 'ifAdminStatus', T.Integer),
      col(8, 'ifOperStatus', T.Integer),
      col(10, 'ifInOctets', T.Counter),
      col(16, 'ifOutOctets', T.Counter),
    ],
    tableIndex: [{ columnName: 'ifIndex' }],
  });
  mib.registerProvider({
    name: 'ifXTable',
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.2.1.31.1.1.1',
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      col(1, 'ifName', T.OctetString),
      col(6, 'ifHCInOctets', T.Counter64),
      col(10, 'ifHCOutOctets', T.Counter64),
      col(15, 'ifHighSpeed', T.Gauge),
      col(18, 'ifAlias', T.OctetString),
    ],
    tableAugments: 'ifTable',
  });
  for (const i of options.interfaces) {
    mib.addTableRow('ifTable', [
      i.ifIndex,
      i.descr,
      i.type ?? 6,
      i.speed,
      i.admin,
      i.oper,
      i.inOctets,
      i.outOctets,
    ]);
    if (i.x) {
      mib.addTableRow('ifXTable', [
        i.ifIndex,
        i.x.name,
        counter64Buffer(i.x.hcIn),
        counter64Buffer(i.x.hcOut),
        i.x.highSpeed,
        i.x.alias ?? '',
      ]);
    }
  }

  let closed = false;
  return {
    address,
    port,
    errors,
    setUptime: (ticks) => mib.setScalarValue('sysUpTime', ticks),
    setCounters: (ifIndex, c) => {
      if (c.inOctets !== undefined) mib.setTableSingleCell('ifTable', 10, [ifIndex], c.inOctets);
      if (c.outOctets !== undefined) mib.setTableSingleCell('ifTable', 16, [ifIndex], c.outOctets);
      if (c.hcIn !== undefined)
        mib.setTableSingleCell('ifXTable', 6, [ifIndex], counter64Buffer(c.hcIn));
      if (c.hcOut !== undefined)
        mib.setTableSingleCell('ifXTable', 10, [ifIndex], counter64Buffer(c.hcOut));
    },
    setOper: (ifIndex, oper) => mib.setTableSingleCell('ifTable', 8, [ifIndex], oper),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all(
        sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
  };
}

/** A UDP socket on loopback that counts datagrams and never answers. */
export async function startBlackHole(
  address: LoopbackAddress = '127.0.0.1',
): Promise<{ port: number; received: () => number; close(): Promise<void> }> {
  const socket = createSocket(address === '::1' ? 'udp6' : 'udp4');
  let count = 0;
  socket.on('message', () => count++);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => resolve());
  });
  return {
    port: socket.address().port,
    received: () => count,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
