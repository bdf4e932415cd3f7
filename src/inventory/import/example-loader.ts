import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { projectRoot } from '../../common/project-root';
import { runWithActor } from '../../common/request-context';
import { NETWATCH_CONFIG, NetwatchConfig } from '../../config/config.types';
import { InventoryImporter } from './importer';

/** Loads the example province into an empty database, so a first start shows a populated service. */
@Injectable()
export class ExampleInventoryLoader {
  private readonly logger = new Logger('Inventory');

  constructor(
    private readonly dataSource: DataSource,
    private readonly importer: InventoryImporter,
    @Inject(NETWATCH_CONFIG) private readonly config: NetwatchConfig,
  ) {}

  async loadIfEmpty(): Promise<boolean> {
    const [{ count }]: { count: string }[] = await this.dataSource.query(
      'SELECT count(*) FROM units',
    );
    if (Number(count) > 0) return false;
    const configured = this.config.inventory.exampleFile;
    const file = isAbsolute(configured) ? configured : join(projectRoot(), configured);
    const report = await runWithActor(
      { actor: 'system:example', requestId: null, source: 'seed' },
      () => this.importer.import([{ name: file, content: readFileSync(file) }]),
    );
    this.logger.log(
      `empty database: loaded the example inventory ${file} (${report.records} records, ${report.durationMs} ms)`,
    );
    return true;
  }
}
