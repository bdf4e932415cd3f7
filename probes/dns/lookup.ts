import { DnsLookup, LookupResult } from './dnssec/validator';
import { DnsServer, DnsTransport, QuerySettings } from './transport';

/**
 * Sends every query to one server (a validating or plain resolver, or an authoritative server
 * that holds the whole hierarchy, as in tests). RD and CD are set so a resolver returns bogus
 * data instead of SERVFAIL, letting the validator say what is wrong.
 */
export class ServerLookup implements DnsLookup {
  constructor(
    private readonly transport: DnsTransport,
    private readonly server: DnsServer,
    private readonly settings: QuerySettings = {},
  ) {}

  async query(name: string, type: string): Promise<LookupResult> {
    const result = await this.transport.query(this.server, name, type, {
      recursionDesired: true,
      checkingDisabled: true,
      dnssecOk: true,
      ...this.settings,
    });
    return result.ok
      ? { ok: true, message: result.message }
      : { ok: false, error: `${result.error.code}: ${result.error.message}` };
  }
}
