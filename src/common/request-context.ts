import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting and under which request id; read by the change log. */
export interface ActorContext {
  actor: string;
  requestId: string | null;
  source: 'api' | 'import' | 'seed' | 'cli';
}

const storage = new AsyncLocalStorage<ActorContext>();

export const SYSTEM_ACTOR: ActorContext = { actor: 'system', requestId: null, source: 'cli' };

export function runWithActor<T>(ctx: ActorContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentActor(): ActorContext {
  return storage.getStore() ?? SYSTEM_ACTOR;
}

/** Names the signed-in actor for the rest of the request (no effect outside a request). */
export function setActor(actor: string): void {
  const store = storage.getStore();
  if (store) store.actor = actor;
}
