import type { CheckKind } from '../../checks/check.types';
import { dnsAnswerAdapter } from './dns-answer';
import { dnssecAdapter } from './dnssec';
import { httpAdapter } from './http';
import { icmpAdapter } from './icmp';
import { ipv6MailAdapter, ipv6WebAdapter } from './ipv6-readiness';
import { nsIpv6Adapter } from './ns-ipv6';
import { smtpAdapter } from './smtp';
import { snmpAdapter } from './snmp';
import { tcpAdapter } from './tcp';
import { tlsAdapter } from './tls';
import type { Adapter } from './types';

/** One adapter per check kind (a missing kind is a compile error). */
export const ADAPTERS: Readonly<Record<CheckKind, Adapter>> = {
  dnssec: dnssecAdapter,
  'ns-ipv6': nsIpv6Adapter,
  'ipv6-web': ipv6WebAdapter,
  'ipv6-mail': ipv6MailAdapter,
  http: httpAdapter,
  tls: tlsAdapter,
  tcp: tcpAdapter,
  icmp: icmpAdapter,
  snmp: snmpAdapter,
  smtp: smtpAdapter,
  'dns-answer': dnsAnswerAdapter,
};
