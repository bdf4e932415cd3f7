import { SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'operator', 'responder', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route belongs to. A route reads (GET, HEAD) or writes (anything else) its domain;
 * a role holds read or read-write access per domain (ACCESS below). Every route must declare
 * one with `@Access(domain)`, `@Authenticated()` or `@Public()`: the guard refuses any route
 * without, so a new route is closed until someone decides who may use it.
 */
export const DOMAINS = [
  'inventory',
  'monitoring',
  'incidents',
  'notifications',
  'reports',
  'audit',
  'users',
] as const;
export type Domain = (typeof DOMAINS)[number];

type Grant = 'r' | 'rw';

/** The role matrix (the README shows it as a table; the route × role test walks it). */
export const ACCESS: Readonly<Record<Role, Partial<Record<Domain, Grant>>>> = {
  admin: {
    inventory: 'rw',
    monitoring: 'rw',
    incidents: 'rw',
    notifications: 'rw',
    reports: 'rw',
    audit: 'r',
    users: 'rw',
  },
  // Network admins: inventory and checks.
  operator: { inventory: 'rw', monitoring: 'rw', incidents: 'r', reports: 'rw' },
  // Incident response team: incidents and notes; sees what notifications went out.
  responder: {
    inventory: 'r',
    monitoring: 'r',
    incidents: 'rw',
    notifications: 'r',
    reports: 'r',
  },
  // Management: read and reports.
  viewer: { inventory: 'r', monitoring: 'r', incidents: 'r', reports: 'rw' },
};

export function allows(role: Role, domain: Domain, write: boolean): boolean {
  const grant = ACCESS[role][domain];
  return grant === 'rw' || (grant === 'r' && !write);
}

/** A role no wider than `owner` (for API tokens): every grant of `role` is within the owner's. */
export function roleWithin(role: Role, owner: Role): boolean {
  return DOMAINS.every(
    (d) => !ACCESS[role][d] || ACCESS[owner][d] === 'rw' || ACCESS[role][d] === ACCESS[owner][d],
  );
}

export type RouteAccess =
  { kind: 'public' } | { kind: 'authenticated' } | { kind: 'domain'; domain: Domain };

export const ACCESS_KEY = 'netwatch:access';

/** The route (or every route of the controller) belongs to `domain`. */
export const Access = (domain: Domain) =>
  SetMetadata(ACCESS_KEY, { kind: 'domain', domain } satisfies RouteAccess);
/** Anyone signed in (their own session, tokens, password). */
export const Authenticated = () =>
  SetMetadata(ACCESS_KEY, { kind: 'authenticated' } satisfies RouteAccess);
/** No sign-in: health, metrics, login, the API description. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies RouteAccess);

export const SCOPED_KEY = 'netwatch:scoped';

/**
 * The route limits what it reads and writes to the caller's unit subtree (`currentScope()`).
 * Routes without it are refused to unit-scoped callers: scoping is deny-by-default too.
 */
export const Scoped = () => SetMetadata(SCOPED_KEY, true);
/** Overrides a controller's `@Scoped()` for one route that does not honour the scope yet. */
export const Unscoped = () => SetMetadata(SCOPED_KEY, false);
