import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Type,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ValidationError } from '../../common/errors';
import { strictValidationPipe, toFieldProblems } from '../../common/validation';
import { ListQueryDto } from '../dto/list-query.dto';
import { InventoryEntity } from '../entities/base.entity';
import { CrudService, Page } from './crud.service';
import { ResourceDefinition } from './resource-definition';
import { Access, Scoped } from '../../auth/permissions';

export const crudServiceToken = (def: ResourceDefinition) => `CrudService:${def.path}`;

const COMMON_QUERY_KEYS = new Set(['limit', 'offset', 'sort', 'q', 'unit']);

/** Splits and validates list query parameters: common ones against ListQueryDto, the rest against the resource's filters. */
export function parseListQuery(def: ResourceDefinition, raw: Record<string, unknown>) {
  const common: Record<string, unknown> = {};
  const filters: Record<string, string> = {};
  const problems = [];
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      problems.push({ field: key, message: `${key} must be given once` });
    } else if (COMMON_QUERY_KEYS.has(key)) {
      common[key] = value;
    } else if (key in def.filters) {
      filters[key] = value;
    } else {
      const known = [...COMMON_QUERY_KEYS, ...Object.keys(def.filters)].join(', ');
      problems.push({
        field: key,
        message: `${key} is not a filter of ${def.path}; known: ${known}`,
      });
    }
  }
  const dto = plainToInstance(ListQueryDto, common);
  problems.push(...toFieldProblems(validateSync(dto)));
  if (problems.length) throw new ValidationError('invalid query', problems);
  return { ...dto, filters };
}

/**
 * Builds the REST controller for one resource: list (filter, search, page, sort), read, create,
 * update (PATCH), delete. Every resource gets exactly the same contract.
 */
export function crudController(def: ResourceDefinition): Type<unknown> {
  @ApiTags(def.path)
  @Access('inventory')
  @Scoped()
  @Controller(`api/${def.path}`)
  class ResourceController {
    constructor(@Inject(crudServiceToken(def)) readonly crud: CrudService<InventoryEntity>) {}

    @Get()
    @ApiOperation({ summary: `List ${def.path}` })
    @ApiQuery({ type: ListQueryDto })
    async list(@Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
      const page = await this.crud.list(parseListQuery(def, query));
      return { ...page, items: page.items.map((e) => this.crud.present(e)) };
    }

    @Get(':id')
    @ApiOperation({ summary: `Read one of ${def.path}` })
    async get(@Param('id') id: string): Promise<Record<string, unknown>> {
      return this.crud.present(await this.crud.get(id));
    }

    @Post()
    @ApiOperation({ summary: `Create one of ${def.path}` })
    @ApiBody({ type: def.createDto })
    async create(
      @Body(strictValidationPipe(def.createDto)) body: object,
    ): Promise<Record<string, unknown>> {
      return this.crud.present(await this.crud.create(body));
    }

    @Patch(':id')
    @ApiOperation({ summary: `Change fields of one of ${def.path}` })
    @ApiBody({ type: def.updateDto })
    async update(
      @Param('id') id: string,
      @Body(strictValidationPipe(def.updateDto)) body: object,
    ): Promise<Record<string, unknown>> {
      return this.crud.present((await this.crud.update(id, body)).entity);
    }

    @Delete(':id')
    @HttpCode(204)
    @ApiOperation({ summary: `Delete one of ${def.path}` })
    async remove(@Param('id') id: string): Promise<void> {
      await this.crud.remove(id);
    }
  }

  const listDescriptor = Object.getOwnPropertyDescriptor(ResourceController.prototype, 'list');
  if (!listDescriptor) throw new Error('list handler missing');
  for (const [name, spec] of Object.entries(def.filters)) {
    ApiQuery({
      name,
      required: false,
      description: spec.description,
      enum: spec.values ? [...spec.values] : undefined,
    })(ResourceController.prototype, 'list', listDescriptor);
  }
  const className = def.path.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  Object.defineProperty(ResourceController, 'name', { value: `${className}Controller` });
  return ResourceController;
}
