/**
 * A minimal typed view of `net-snmp` 3.29 (which ships no types): only what probes/snmp and its
 * tests use. Values are as the library really hands them over: OCTET STRING and Counter64 as
 * raw `Buffer`s, Counter32/Gauge32/TimeTicks/INTEGER as numbers, OIDs as dotted strings.
 */
declare module 'net-snmp' {
  import type * as dgram from 'node:dgram';
  import type { EventEmitter } from 'node:events';

  export const Version1: 0;
  export const Version2c: 1;
  export const Version3: 3;

  export const ObjectType: {
    readonly Boolean: 1;
    readonly Integer: 2;
    readonly OctetString: 4;
    readonly Null: 5;
    readonly OID: 6;
    readonly IpAddress: 64;
    readonly Counter: 65;
    readonly Gauge: 66;
    readonly TimeTicks: 67;
    readonly Opaque: 68;
    readonly Counter64: 70;
    readonly NoSuchObject: 128;
    readonly NoSuchInstance: 129;
    readonly EndOfMibView: 130;
  };
  export type ObjectTypeValue = (typeof ObjectType)[keyof typeof ObjectType];

  export const PduType: {
    readonly GetResponse: 162;
    readonly Trap: 164;
    readonly InformRequest: 166;
    readonly TrapV2: 167;
    readonly Report: 168;
  };

  export const TrapType: {
    readonly LinkDown: 2;
    readonly LinkUp: 3;
  };

  export const SecurityLevel: {
    readonly noAuthNoPriv: 1;
    readonly authNoPriv: 2;
    readonly authPriv: 3;
  };
  export type SecurityLevelValue = (typeof SecurityLevel)[keyof typeof SecurityLevel];

  export const AuthProtocols: {
    readonly md5: 2;
    readonly sha: 3;
    readonly sha224: 4;
    readonly sha256: 5;
    readonly sha384: 6;
    readonly sha512: 7;
  };
  export type AuthProtocolValue = (typeof AuthProtocols)[keyof typeof AuthProtocols];

  export const PrivProtocols: {
    readonly des: 2;
    readonly aes: 4;
    readonly aes256b: 6;
    readonly aes256r: 8;
  };
  export type PrivProtocolValue = (typeof PrivProtocols)[keyof typeof PrivProtocols];

  export const MibProviderType: { readonly Scalar: 1; readonly Table: 2 };
  export const MaxAccess: {
    readonly 'not-accessible': 0;
    readonly 'read-only': 2;
  };

  export const ResponseInvalidCode: {
    readonly ECouldNotDecrypt: 4;
    readonly EAuthFailure: 5;
    readonly ECommunityNoMatch: 10;
    readonly ENotInTimeWindow: 14;
  };

  export type VarbindValue = number | string | Buffer | boolean | null;

  export interface Varbind {
    oid: string;
    type: number;
    value: VarbindValue;
  }

  /** What `session.trap` sends: the type is required on the wire. */
  export interface OutgoingVarbind {
    oid: string;
    type: ObjectTypeValue;
    value: VarbindValue;
  }

  export class RequestTimedOutError extends Error {}
  export class RequestFailedError extends Error {
    status: number;
  }
  export class RequestInvalidError extends Error {}
  export class ResponseInvalidError extends Error {
    code: number;
  }

  export interface User {
    name: string;
    level: SecurityLevelValue;
    authProtocol?: AuthProtocolValue;
    authKey?: string;
    privProtocol?: PrivProtocolValue;
    privKey?: string;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    trapPort?: number;
    version?: 0 | 1 | 3;
    idBitsSize?: 16 | 32;
    /** Interface-compatible with `node:dgram`: the session's socket comes from it. */
    dgramModule?: { createSocket(type: 'udp4' | 'udp6'): dgram.Socket };
  }

  export type ErrorCallback = (error: Error | null) => void;

  export class Session extends EventEmitter {
    get(oids: string[], callback: (error: Error | null, varbinds?: Varbind[]) => void): this;
    subtree(
      oid: string,
      maxRepetitions: number,
      feedCallback: (varbinds: Varbind[]) => boolean | void,
      doneCallback: ErrorCallback,
    ): this;
    trap(
      typeOrOid: string | number,
      varbinds: OutgoingVarbind[],
      options: { upTime?: number; agentAddr?: string },
      callback: ErrorCallback,
    ): this;
    close(): this;
  }

  export function createSession(
    target: string,
    community: string,
    options?: SessionOptions,
  ): Session;
  export function createV3Session(target: string, user: User, options?: SessionOptions): Session;

  export interface Authorizer {
    addCommunity(community: string): void;
    addUser(user: User): void;
  }

  export interface ListenerOptions {
    port?: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    disableAuthorization?: boolean;
    includeAuthentication?: boolean;
    /** Interface-compatible with `node:dgram`; lets the caller see the sockets it creates. */
    dgramModule?: { createSocket(type: 'udp4' | 'udp6'): dgram.Socket };
  }

  export interface RemoteInfo {
    address: string;
    family: string;
    port: number;
    size: number;
  }

  export interface Notification {
    pdu: {
      type: number;
      varbinds: Varbind[];
      /** SNMPv1 Trap-PDU fields. */
      enterprise?: string;
      agentAddr?: string;
      generic?: number;
      specific?: number;
      upTime?: number;
    };
    rinfo: RemoteInfo;
  }

  /** Errors the receiver and agent report carry the sender of the offending packet. */
  export type ListenerError = Error & { rinfo?: RemoteInfo };

  export interface Receiver {
    getAuthorizer(): Authorizer;
    close(callback?: (socket: { address: string; family: string; port: number }) => void): void;
  }

  export function createReceiver(
    options: ListenerOptions,
    callback: (error: ListenerError | null, notification?: Notification) => void,
  ): Receiver;

  export interface ScalarProvider {
    name: string;
    type: 1;
    oid: string;
    scalarType: ObjectTypeValue;
    maxAccess: number;
  }

  export interface TableColumn {
    number: number;
    name: string;
    type: ObjectTypeValue;
    maxAccess: number;
  }

  export interface TableProvider {
    name: string;
    type: 2;
    oid: string;
    maxAccess: number;
    tableColumns: TableColumn[];
    tableIndex?: { columnName: string }[];
    tableAugments?: string;
  }

  export type MibValue = number | string | Buffer;

  export interface Mib {
    registerProvider(provider: ScalarProvider | TableProvider): void;
    setScalarValue(name: string, value: MibValue): void;
    addTableRow(table: string, row: MibValue[]): void;
    setTableSingleCell(
      table: string,
      columnNumber: number,
      rowIndex: number[],
      value: MibValue,
    ): void;
    deleteTableRow(table: string, rowIndex: number[]): boolean;
  }

  export interface Agent {
    getAuthorizer(): Authorizer;
    getMib(): Mib;
    close(callback?: (socket: { address: string; family: string; port: number }) => void): void;
  }

  export function createAgent(
    options: ListenerOptions,
    callback: (error: ListenerError | null, data?: unknown) => void,
  ): Agent;

  export function isVarbindError(varbind: Varbind): boolean;
}
