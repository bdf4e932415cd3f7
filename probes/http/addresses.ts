import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { AddressFamily } from '../probe';
import { abortCode, addressFamily, errorMessage } from './request';

/**
 * Addresses of one family for a host name. Resolution asks for exactly one record type (A for
 * IPv4, AAAA for IPv6) and never uses `dns.lookup`, which may answer with the other family
 * (or /etc/hosts). Failures are results.
 */
export type ResolveResult =
  | { ok: true; addresses: string[] }
  | {
      ok: false;
      /** `no_address`: the name has no record of that family (NODATA) — the family cannot be tested. */
      code: 'no_address' | 'nxdomain' | 'dns_failed' | 'timeout' | 'aborted';
      message: string;
    };

export type AddressResolver = (
  hostname: string,
  family: AddressFamily,
  signal: AbortSignal,
) => Promise<ResolveResult>;

/** `node:dns` resolve4/resolve6 through the system's name servers, or the given ones. */
export function dnsResolver(
  options: { servers?: string[]; timeoutMs?: number; tries?: number } = {},
): AddressResolver {
  return async (hostname, family, signal) => {
    if (signal.aborted)
      return { ok: false, code: abortCode(signal), message: 'aborted before resolving' };
    const resolver = new dns.Resolver({
      timeout: options.timeoutMs ?? 2000,
      tries: options.tries ?? 2,
    });
    if (options.servers) resolver.setServers(options.servers);
    const onAbort = () => resolver.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const addresses =
        family === 4 ? await resolver.resolve4(hostname) : await resolver.resolve6(hostname);
      return addresses.length
        ? { ok: true, addresses }
        : { ok: false, code: 'no_address', message: `${hostname} has no ${recordType(family)}` };
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
      const text = errorMessage(err);
      if (signal.aborted)
        return { ok: false, code: abortCode(signal), message: `resolving ${hostname}: ${text}` };
      if (code === dns.NODATA)
        return {
          ok: false,
          code: 'no_address',
          message: `${hostname} has no ${recordType(family)}`,
        };
      if (code === dns.NOTFOUND)
        return { ok: false, code: 'nxdomain', message: `${hostname} does not exist (NXDOMAIN)` };
      return {
        ok: false,
        code: 'dns_failed',
        message: `resolving ${hostname} ${recordType(family)}: ${text}`,
      };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}

export const recordType = (family: AddressFamily) => (family === 4 ? 'A' : 'AAAA');
export const familyName = (family: AddressFamily) => (family === 4 ? 'IPv4' : 'IPv6');

/**
 * The addresses to try for `host` in `family`: the host itself when it is an IP literal, else
 * the caller's `given` addresses of that family, else a resolution. IPv4-mapped IPv6 addresses
 * never count as IPv6.
 */
export async function candidateAddresses(
  host: string,
  family: AddressFamily,
  given: string[] | undefined,
  resolver: AddressResolver,
  signal: AbortSignal,
): Promise<ResolveResult & { resolved: boolean }> {
  if (isIP(host)) {
    return addressFamily(host) === family
      ? { ok: true, addresses: [host], resolved: false }
      : {
          ok: false,
          code: 'no_address',
          message: `${host} is not an ${familyName(family)} address`,
          resolved: false,
        };
  }
  if (given) {
    const addresses = given.filter((a) => addressFamily(a) === family);
    return addresses.length
      ? { ok: true, addresses, resolved: false }
      : {
          ok: false,
          code: 'no_address',
          message: `no ${familyName(family)} address among those given for ${host}`,
          resolved: false,
        };
  }
  const result = await resolver(host, family, signal);
  if (!result.ok) return { ...result, resolved: true };
  const addresses = result.addresses.filter((a) => addressFamily(a) === family);
  return addresses.length
    ? { ok: true, addresses, resolved: true }
    : {
        ok: false,
        code: 'no_address',
        message: `${host} has no usable ${recordType(family)}`,
        resolved: true,
      };
}
