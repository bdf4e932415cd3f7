import { DataSource } from 'typeorm';
import { SecretBox } from './secret-box';

/** Every column that holds SecretBox envelopes: table, key column, envelope column, label. */
const SECRET_COLUMNS = [
  { table: 'devices', id: 'id', column: 'snmp_secret', label: 'device' },
  { table: 'notification_channels', id: 'id', column: 'secret', label: 'notification channel' },
] as const;

export interface RotationReport {
  /** Envelopes sealed again with the current key, per table. */
  resealed: Record<string, number>;
  /** Envelopes already sealed with the current key. */
  alreadyCurrent: number;
}

/**
 * Seals every stored secret again with the current key (`secrets.key`), opening old ones with
 * `secrets.previousKeys`. One transaction: a secret no configured key opens stops the rotation
 * with its row named, and nothing is changed. Running it again changes nothing.
 */
export async function rotateSecrets(
  dataSource: DataSource,
  box: SecretBox,
): Promise<RotationReport> {
  return dataSource.transaction(async (m) => {
    const report: RotationReport = { resealed: {}, alreadyCurrent: 0 };
    for (const c of SECRET_COLUMNS) {
      const rows: { id: string; envelope: string }[] = await m.query(
        `SELECT ${c.id}::text AS id, ${c.column} AS envelope FROM ${c.table}
         WHERE ${c.column} IS NOT NULL ORDER BY ${c.id} FOR UPDATE`,
      );
      report.resealed[c.table] = 0;
      for (const row of rows) {
        let current: boolean;
        let plain: string;
        try {
          current = box.isCurrent(row.envelope);
          plain = box.open(row.envelope);
        } catch (err) {
          throw new Error(
            `${c.label} ${row.id}: its secret opens with no configured key (${(err as Error).message}); nothing was changed`,
          );
        }
        if (current) {
          report.alreadyCurrent += 1;
          continue;
        }
        await m.query(`UPDATE ${c.table} SET ${c.column} = $2 WHERE ${c.id} = $1`, [
          row.id,
          box.seal(plain),
        ]);
        report.resealed[c.table] += 1;
      }
    }
    return report;
  });
}
