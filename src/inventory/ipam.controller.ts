import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ValidationError } from '../common/errors';
import { parseAddress } from '../common/ip';
import { CrudRegistry } from './crud/crud.registry';
import { Page } from './crud/crud.service';
import { IpAddress, Prefix } from './entities';
import { ipAddressResource, prefixResource } from './resources';
import { Access } from '../auth/permissions';

/** Containment questions answered by PostgreSQL's inet operators on GiST indexes. */
@ApiTags('ipam')
@Access('inventory')
@Controller('api')
export class IpamController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
  ) {}

  @Get('ipam/lookup')
  @ApiOperation({
    summary: 'Which prefixes hold this address (most specific first), and its address record',
  })
  @ApiQuery({ name: 'address', example: '198.51.100.10' })
  async lookup(@Query('address') address?: string) {
    const parsed = parseAddress(address ?? '');
    if (typeof parsed === 'string') {
      throw new ValidationError('invalid address', [
        { field: 'address', message: `address ${parsed}` },
      ]);
    }
    const prefixes = await this.dataSource
      .getRepository(Prefix)
      .createQueryBuilder('o')
      .where('o.prefix >>= :host::inet', { host: parsed.host })
      .orderBy('masklen(o.prefix)', 'DESC')
      .getMany();
    const record = await this.dataSource
      .getRepository(IpAddress)
      .createQueryBuilder('o')
      .where('host(o.address) = :host', { host: parsed.host })
      .getOne();
    const prefixCrud = this.registry.for(prefixResource);
    const addressCrud = this.registry.for(ipAddressResource);
    return {
      address: parsed.host,
      prefixes: prefixes.map((p) => prefixCrud.present(p)),
      ipAddress: record ? addressCrud.present(record) : null,
    };
  }

  @Get('prefixes/:id/addresses')
  @ApiOperation({ summary: 'Address records inside a prefix' })
  async addresses(
    @Param('id') id: string,
    @Query('limit') limit = '100',
    @Query('offset') offset = '0',
  ): Promise<Page<Record<string, unknown>>> {
    const prefix = await this.registry.for(prefixResource).get(id);
    const take = Math.min(Math.max(Number(limit) || 100, 1), 1000);
    const skip = Math.max(Number(offset) || 0, 0);
    const [items, total] = await this.dataSource
      .getRepository(IpAddress)
      .createQueryBuilder('o')
      .where(
        // `&&` lets the GiST index narrow the rows; the host comparison is the exact test
        // (an address written with a shorter mask still lies inside the prefix).
        'o.address && :net::cidr AND inet(host(o.address)) <<= :net::cidr',
        { net: prefix.prefix },
      )
      .orderBy('inet(host(o.address))') // host order, whatever each address's mask
      .take(take)
      .skip(skip)
      .getManyAndCount();
    const crud = this.registry.for(ipAddressResource);
    return { items: items.map((a) => crud.present(a)), total, limit: take, offset: skip };
  }
}
