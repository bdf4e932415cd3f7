import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Domain =
  'inventory' | 'monitoring' | 'incidents' | 'notifications' | 'reports' | 'audit' | 'users';

/** The signed-in principal as `GET /api/auth/me` returns it. */
export interface Me {
  kind: 'session' | 'token';
  userId: string;
  username: string;
  role: 'admin' | 'operator' | 'responder' | 'viewer';
  unitId: string | null;
  access: Partial<Record<Domain, 'r' | 'rw'>>;
}

export const SessionContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

/** Mirrors the API's grants so the UI hides what the API would refuse (the API still decides). */
export function can(me: Me, domain: Domain, write = false): boolean {
  const grant = me.access[domain];
  return grant === 'rw' || (grant === 'r' && !write);
}
