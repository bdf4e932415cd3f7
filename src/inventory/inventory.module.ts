import { Module, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '../common/secret-box';
import { ChangeLogController } from './change-log.controller';
import { ChangeLogService } from './change-log.service';
import { crudController, crudServiceToken } from './crud/crud.controller';
import { CrudRegistry } from './crud/crud.registry';
import { ExampleInventoryLoader } from './import/example-loader';
import { ImportController } from './import/import.controller';
import { InventoryExporter } from './import/exporter';
import { InventoryImporter } from './import/importer';
import { IpamController } from './ipam.controller';
import { ObjectChangesController } from './object-changes.controller';
import { RESOURCES } from './resources';
import { UnitTreeController } from './unit-tree.controller';

const perResource: Provider[] = RESOURCES.map((def) => ({
  provide: crudServiceToken(def),
  useFactory: (registry: CrudRegistry) => registry.for(def),
  inject: [CrudRegistry],
}));

@Module({
  controllers: [
    UnitTreeController,
    IpamController,
    ChangeLogController,
    ObjectChangesController,
    ImportController,
    ...RESOURCES.map((def) => crudController(def)),
  ],
  providers: [
    ChangeLogService,
    {
      provide: CrudRegistry,
      useFactory: (ds: DataSource, log: ChangeLogService, box: SecretBox) =>
        new CrudRegistry(ds, log, box),
      inject: [DataSource, ChangeLogService, SecretBox],
    },
    ...perResource,
    InventoryImporter,
    InventoryExporter,
    ExampleInventoryLoader,
  ],
  exports: [CrudRegistry, InventoryImporter, InventoryExporter, ExampleInventoryLoader],
})
export class InventoryModule {}
