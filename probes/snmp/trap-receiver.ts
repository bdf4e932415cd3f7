import { createSocket, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import * as snmp from 'net-snmp';
import {
  IF_COLUMNS,
  IfStatus,
  ifStatus,
  instanceIndex,
  LINK_DOWN,
  LINK_UP,
  SNMP_TRAP_ADDRESS,
  SNMP_TRAP_OID,
  SYS_UPTIME,
} from './oids';
import { familyOf } from './session';

export interface TrapSource {
  address: string;
  port: number;
}

export interface LinkTrap {
  kind: 'linkDown' | 'linkUp';
  version: 'v1' | 'v2c';
  /** The UDP source: what `resolve` is asked about. */
  source: TrapSource;
  /** snmpTrapAddress.0 (v2c, set by relays) or agent-addr (v1), when present. */
  agentAddress: string | null;
  ifIndex: number;
  adminStatus: IfStatus | null;
  operStatus: IfStatus | null;
  sysUpTimeTicks: number | null;
  receivedAt: string;
}

export interface MappedLinkTrap<Device, Interface> extends LinkTrap {
  device: Device;
  interface: Interface;
}

/** A notification that is not linkDown/linkUp, from an accepted community: reported, not judged. */
export interface OtherTrap {
  version: 'v1' | 'v2c';
  source: TrapSource;
  trapOid: string | null;
  varbinds: { oid: string; type: number; value: string | number | null }[];
  receivedAt: string;
}

export type RejectReason =
  /** Community not in the accepted list (or an SNMPv3 notification: no users are configured). */
  | 'unauthorized'
  /** Not decodable, or a link trap without an ifIndex. */
  | 'malformed'
  /** A PDU a receiver does not take (GetRequest, ...). */
  | 'unsupported';

export interface RejectedTrap {
  reason: RejectReason;
  source: TrapSource | null;
  /** Never quotes the community a sender used. */
  message: string;
  receivedAt: string;
}

export interface TrapReceiverEvents<Device, Interface> {
  /** linkDown/linkUp from a known device and interface. */
  link: [MappedLinkTrap<Device, Interface>];
  /** linkDown/linkUp that `resolve` could not map: an unknown device, or an unknown ifIndex on it. */
  unknownSource: [LinkTrap];
  other: [OtherTrap];
  rejected: [RejectedTrap];
  /** Socket errors after `listen()`; only emitted when someone listens. */
  error: [Error];
}

export interface TrapReceiverStats {
  received: number;
  link: number;
  unknownSource: number;
  other: number;
  rejected: Record<RejectReason, number>;
}

export interface TrapReceiverOptions<Device, Interface> {
  /** IP literal to bind; default 0.0.0.0. The family (udp4/udp6) follows from it. */
  address?: string;
  /** Default 162 (needs privilege); 1-65535. */
  port?: number;
  /** Accepted v1/v2c communities; anything else is rejected and counted. */
  communities: string[];
  /** Maps a source address and ifIndex to the inventory's device and interface. */
  resolve(
    sourceAddress: string,
    ifIndex: number,
  ): { device: Device; interface: Interface } | undefined;
  /** Injected clock for `receivedAt`. */
  now?: () => Date;
}

const LINK_KINDS: Record<string, LinkTrap['kind']> = {
  [LINK_DOWN]: 'linkDown',
  [LINK_UP]: 'linkUp',
};

function plain(value: snmp.VarbindValue): string | number | null {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * An SNMP v1/v2c notification receiver (net-snmp's `createReceiver`) that turns linkDown/linkUp
 * into typed events for the caller's device and interface. Unknown sources, wrong communities
 * and undecodable packets are reported and counted, never dropped silently.
 */
export class SnmpTrapReceiver<Device, Interface> extends EventEmitter<
  TrapReceiverEvents<Device, Interface>
> {
  private receiver: snmp.Receiver | null = null;
  private sockets: Socket[] = [];
  private listening = false;
  private counts: TrapReceiverStats = {
    received: 0,
    link: 0,
    unknownSource: 0,
    other: 0,
    rejected: { unauthorized: 0, malformed: 0, unsupported: 0 },
  };

  constructor(private readonly options: TrapReceiverOptions<Device, Interface>) {
    super();
  }

  stats(): TrapReceiverStats {
    return { ...this.counts, rejected: { ...this.counts.rejected } };
  }

  /** Binds the socket; resolves with the bound address once packets can arrive. */
  async listen(): Promise<TrapSource> {
    if (this.receiver) throw new Error('trap receiver already listening');
    const address = this.options.address ?? '0.0.0.0';
    const port = this.options.port ?? 162;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new TypeError(`trap receiver port must be 1-65535, got ${port}`);
    const transport = familyOf(address) === 6 ? 'udp6' : 'udp4';
    const sockets = this.sockets;
    const receiver = snmp.createReceiver(
      {
        address,
        port,
        transport,
        // net-snmp creates the socket; this lets us see it bind (or fail to).
        dgramModule: {
          createSocket: (type) => {
            const socket = createSocket(type);
            sockets.push(socket);
            return socket;
          },
        },
      },
      (error, notification) => this.onPacket(error, notification),
    );
    this.receiver = receiver;
    for (const community of this.options.communities)
      receiver.getAuthorizer().addCommunity(community);
    const socket = sockets[0];
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => {
          socket.off('listening', onListening);
          reject(err);
        };
        const onListening = () => {
          socket.off('error', onError);
          resolve();
        };
        socket.once('error', onError);
        socket.once('listening', onListening);
      });
    } catch (err) {
      await this.close();
      throw err;
    }
    this.listening = true;
    const bound = socket.address();
    return { address: bound.address, port: bound.port };
  }

  /** Closes the socket; safe to call twice. */
  async close(): Promise<void> {
    if (!this.receiver) return;
    this.receiver = null;
    this.listening = false;
    const sockets = this.sockets;
    this.sockets = [];
    // net-snmp's receiver holds nothing but the sockets we saw it create: close those.
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            try {
              socket.close(() => resolve());
            } catch {
              resolve(); // never bound, or already closed
            }
          }),
      ),
    );
  }

  private now(): string {
    return (this.options.now ? this.options.now() : new Date()).toISOString();
  }

  private onPacket(error: snmp.ListenerError | null, notification?: snmp.Notification): void {
    if (error) {
      if (!error.rinfo) {
        // A socket error, not a packet: bind failures are listen()'s to report.
        if (this.listening && this.listenerCount('error') > 0) this.emit('error', error);
        return;
      }
      this.counts.received++;
      const reason: RejectReason =
        error.name === 'RequestFailedError' || error.name === 'ResponseInvalidError'
          ? 'unauthorized'
          : error.name === 'RequestInvalidError'
            ? 'unsupported'
            : 'malformed';
      const message =
        reason === 'unauthorized'
          ? 'community (or SNMPv3 user) not accepted by this receiver'
          : reason === 'unsupported'
            ? `not a notification: ${error.message}`
            : 'undecodable SNMP packet';
      this.reject(reason, { address: error.rinfo.address, port: error.rinfo.port }, message);
      return;
    }
    if (!notification) return;
    this.counts.received++;
    const source = { address: notification.rinfo.address, port: notification.rinfo.port };
    const pdu = notification.pdu;
    const receivedAt = this.now();
    const varbinds = pdu.varbinds ?? [];

    let version: 'v1' | 'v2c';
    let trapOid: string | null;
    let sysUpTimeTicks: number | null;
    let agentAddress: string | null;
    if (pdu.type === snmp.PduType.Trap) {
      version = 'v1';
      trapOid =
        pdu.generic === snmp.TrapType.LinkDown
          ? LINK_DOWN
          : pdu.generic === snmp.TrapType.LinkUp
            ? LINK_UP
            : null;
      sysUpTimeTicks = pdu.upTime ?? null;
      agentAddress = pdu.agentAddr ?? null;
    } else {
      version = 'v2c';
      const oidVb = varbinds.find((v) => v.oid === SNMP_TRAP_OID);
      trapOid = typeof oidVb?.value === 'string' ? oidVb.value : null;
      const up = varbinds.find((v) => v.oid === SYS_UPTIME)?.value;
      sysUpTimeTicks = typeof up === 'number' ? up : null;
      const relay = varbinds.find((v) => v.oid === SNMP_TRAP_ADDRESS)?.value;
      agentAddress = typeof relay === 'string' ? relay : null;
    }

    const kind = trapOid ? LINK_KINDS[trapOid] : undefined;
    if (!kind) {
      this.counts.other++;
      this.emit('other', {
        version,
        source,
        trapOid: trapOid ?? (version === 'v1' ? `${pdu.enterprise}.0.${pdu.specific ?? 0}` : null),
        varbinds: varbinds.map((v) => ({ oid: v.oid, type: v.type, value: plain(v.value) })),
        receivedAt,
      });
      return;
    }

    // ifIndex from its own varbind, else from the instance of ifAdminStatus/ifOperStatus.
    let ifIndex: number | null = null;
    let admin: number | null = null;
    let oper: number | null = null;
    for (const v of varbinds) {
      const asIndex = instanceIndex(IF_COLUMNS.ifIndex, v.oid);
      const asAdmin = instanceIndex(IF_COLUMNS.ifAdminStatus, v.oid);
      const asOper = instanceIndex(IF_COLUMNS.ifOperStatus, v.oid);
      if (asIndex !== null && typeof v.value === 'number') ifIndex = v.value;
      if (asAdmin !== null) {
        ifIndex ??= asAdmin;
        if (typeof v.value === 'number') admin = v.value;
      }
      if (asOper !== null) {
        ifIndex ??= asOper;
        if (typeof v.value === 'number') oper = v.value;
      }
    }
    if (ifIndex === null) {
      this.reject('malformed', source, `${kind} without ifIndex, ifAdminStatus or ifOperStatus`);
      return;
    }
    const trap: LinkTrap = {
      kind,
      version,
      source,
      agentAddress,
      ifIndex,
      adminStatus: ifStatus(admin),
      operStatus: ifStatus(oper),
      sysUpTimeTicks,
      receivedAt,
    };
    const mapped = this.options.resolve(source.address, ifIndex);
    if (!mapped) {
      this.counts.unknownSource++;
      this.emit('unknownSource', trap);
      return;
    }
    this.counts.link++;
    this.emit('link', { ...trap, device: mapped.device, interface: mapped.interface });
  }

  private reject(reason: RejectReason, source: TrapSource | null, message: string): void {
    this.counts.rejected[reason]++;
    this.emit('rejected', { reason, source, message, receivedAt: this.now() });
  }
}
