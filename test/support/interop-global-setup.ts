import { Client } from 'pg';
import globalSetup from './global-setup';

/**
 * Interop tier: the machine's own PostgreSQL (127.0.0.1:5432, trust auth, database `test`)
 * unless DATABASE_URL says otherwise. The same template/clone scheme as the default tier.
 */
export default async function interopGlobalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    await probe.end();
  } catch (err) {
    throw new Error(`interop tier needs PostgreSQL at ${url}: ${(err as Error).message}`);
  }
  process.env.DATABASE_URL = url;
  await globalSetup();
}
