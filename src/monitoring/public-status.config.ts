/** The service kinds of the inventory (migrations/1764300000000-inventory.ts). */
export const SERVICE_KINDS = ['website', 'mail_domain', 'dns_zone', 'public_service', 'other'];

/** More would make an unauthenticated page expensive; a status page lists a handful. */
export const MAX_PUBLIC_SERVICES = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** One configured entry: a service id, or a hostname with or without its kind. */
export type PublicServiceRef = { id: string } | { hostname: string; kind: string | null };

/** `kind:hostname`, `hostname` (every active service with that name) or a service id; null: neither. */
export function parsePublicServiceRef(entry: string): PublicServiceRef | null {
  const text = entry.trim();
  if (UUID.test(text)) return { id: text.toLowerCase() };
  const m = /^(?:([a-z_]+):)?(.+)$/.exec(text);
  if (!m) return null;
  const [, kind, hostname] = m;
  if (kind !== undefined && !SERVICE_KINDS.includes(kind)) return null;
  if (!HOSTNAME.test(hostname)) return null;
  return { hostname: hostname.toLowerCase(), kind: kind ?? null };
}

/** Problems of `publicStatus.services`, each naming the key and the entry. */
export function publicStatusProblems(services: string[]): string[] {
  const problems: string[] = [];
  const where = 'publicStatus.services (NETWATCH_PUBLIC_STATUS_SERVICES)';
  if (services.length > MAX_PUBLIC_SERVICES)
    problems.push(`${where}: at most ${MAX_PUBLIC_SERVICES} services, got ${services.length}`);
  for (const entry of services)
    if (!parsePublicServiceRef(entry))
      problems.push(
        `${where}: ${JSON.stringify(entry)} is not a hostname, kind:hostname (kinds: ${SERVICE_KINDS.join(', ')}) or service id`,
      );
  return problems;
}
