/** Stops the embedded PostgreSQL the global setup started (nothing to do with DATABASE_URL). */
export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as { __NETWATCH_PG__?: { stop(): Promise<void> } }).__NETWATCH_PG__;
  if (pg) await pg.stop();
}
