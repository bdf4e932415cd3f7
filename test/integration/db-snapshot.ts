import { Client } from 'pg';

/** Every inventory table, and the change log. */
export const INVENTORY_TABLES = [
  'units',
  'contacts',
  'sites',
  'devices',
  'interfaces',
  'vlans',
  'prefixes',
  'ip_addresses',
  'circuits',
  'services',
  'contact_roles',
] as const;
export const TABLES = [...INVENTORY_TABLES, 'change_log'] as const;

export async function rowCounts(db: Client): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = Number(rows[0].n);
  }
  return out;
}

/**
 * Row count and a digest of every row (all columns) of every inventory table and the change log:
 * equal snapshots mean nothing was created, updated or logged in between.
 */
export async function snapshot(db: Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: string; digest: string }>(
      `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest
         FROM ${table} t`,
    );
    out[table] = `${rows[0].n} rows, md5 ${rows[0].digest}`;
  }
  return out;
}

/** A connected client on `url`; end it when done. */
export async function connect(url: string): Promise<Client> {
  const db = new Client({ connectionString: url });
  await db.connect();
  return db;
}
