import { DataSource } from 'typeorm';
import { SecretBox } from '../../common/secret-box';
import { ChangeLogService } from '../change-log.service';
import { InventoryEntity } from '../entities/base.entity';
import { RESOURCES } from '../resources';
import { CrudService } from './crud.service';
import { ResourceDefinition } from './resource-definition';

/** One CrudService per resource, looked up by definition (REST controllers, import, seed). */
export class CrudRegistry {
  private readonly services = new Map<string, CrudService<InventoryEntity>>();

  constructor(dataSource: DataSource, changeLog: ChangeLogService, secrets: SecretBox) {
    for (const def of RESOURCES)
      this.services.set(def.path, new CrudService(def, dataSource, changeLog, secrets));
  }

  for<E extends InventoryEntity>(def: ResourceDefinition<E>): CrudService<E> {
    const service = this.services.get(def.path);
    if (!service) throw new Error(`no CRUD service for ${def.path}`);
    return service as unknown as CrudService<E>;
  }
}
