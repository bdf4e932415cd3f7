import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting and under which request id; read by the change log. */
export interface ActorContext {
  actor: string;
  requestId: string | null;
  source: 'api' | 'import' | 'seed' | 'cli';
  /** Unit subtree the caller is limited to (a unit-scoped user or token); absent: none. */
  scope?: string | null;
}

const storage = new AsyncLocalStorage<ActorContext>();

export const SYSTEM_ACTOR: ActorContext = { actor: 'system', requestId: null, source: 'cli' };

export function runWithActor<T>(ctx: ActorContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentActor(): ActorContext {
  return storage.getStore() ?? SYSTEM_ACTOR;
}

/** Names the signed-in actor and its unit scope for the rest of the request. */
export function setActor(actor: string, scope: string | null = null): void {
  const store = storage.getStore();
  if (!store) return;
  store.actor = actor;
  store.scope = scope;
}

/** The unit subtree the current caller is limited to, or null (everything). */
export function currentScope(): string | null {
  return storage.getStore()?.scope ?? null;
}
