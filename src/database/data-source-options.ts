import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { INVENTORY_ENTITIES } from '../inventory/entities';

export interface DatabaseSettings {
  url: string;
  poolSize?: number;
  logSql?: boolean;
}

/** One place for TypeORM settings: the schema only ever comes from migrations. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: INVENTORY_ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    poolSize: settings.poolSize ?? 10,
    // Failed statements are mapped to domain errors or logged by the HTTP error filter; TypeORM's
    // own error log would print statement parameters (import content) to the console.
    logging: settings.logSql ? ['query', 'error'] : false,
    applicationName: 'netwatch',
  };
}
