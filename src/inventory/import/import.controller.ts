import { Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { ValidationError } from '../../common/errors';
import { strictValidationPipe } from '../../common/validation';
import { InventoryExporter } from './exporter';
import { ImportRequestDto } from './import.dto';
import { ImportReport, InventoryImporter } from './importer';
import { ImportFile } from './records';
import { CSV_FILES } from './schema';
import { Access } from '../../auth/permissions';

const RAW_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/csv'];

@ApiTags('inventory import/export')
@Access('inventory')
@Controller('api/inventory')
export class ImportController {
  constructor(
    private readonly importer: InventoryImporter,
    private readonly exporter: InventoryExporter,
  ) {}

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import the inventory (all-or-nothing, idempotent)',
    description:
      'JSON body {dryRun, files:[{name, content}]}; or a raw YAML body (Content-Type: application/yaml), or one raw CSV ' +
      '(Content-Type: text/csv) with ?file=units.csv. ?dryRun=true reports the changes without writing.',
  })
  @ApiConsumes('application/json', 'application/yaml', 'text/csv')
  @ApiBody({ type: ImportRequestDto })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  @ApiQuery({
    name: 'file',
    required: false,
    description: 'For a raw CSV body: its file name (units.csv, ...)',
  })
  async import(
    @Req() req: Request,
    @Query('dryRun') dryRunQuery?: string,
    @Query('file') fileName?: string,
  ): Promise<ImportReport> {
    if (dryRunQuery !== undefined && !['true', 'false'].includes(dryRunQuery)) {
      throw new ValidationError('invalid query', [
        { field: 'dryRun', message: 'dryRun must be true or false' },
      ]);
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (RAW_TYPES.includes(contentType)) {
      const isCsv = contentType === 'text/csv';
      if (isCsv && (!fileName || !CSV_FILES.has(fileName))) {
        throw new ValidationError('file name needed', [
          {
            field: 'file',
            message: `file must name the CSV: one of ${[...CSV_FILES.keys()].join(', ')}`,
          },
        ]);
      }
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const files: ImportFile[] = [
        { name: isCsv ? (fileName as string) : (fileName ?? 'inventory.yaml'), content },
      ];
      return this.importer.import(files, { dryRun: dryRunQuery === 'true' });
    }
    return this.importJson(req.body, dryRunQuery === 'true');
  }

  /** The JSON form, validated here because the same route also takes raw bodies. */
  private async importJson(raw: unknown, dryRunQuery: boolean): Promise<ImportReport> {
    const body = (await strictValidationPipe(ImportRequestDto).transform(raw, {
      type: 'body',
      metatype: ImportRequestDto,
    })) as ImportRequestDto;
    const files = body.files.map((f) => ({
      name: f.name,
      content: f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : f.content,
    }));
    return this.importer.import(files, { dryRun: dryRunQuery || Boolean(body.dryRun) });
  }

  @Get('export')
  @ApiOperation({ summary: 'Export the inventory as YAML, or as CSV files (never with secrets)' })
  @ApiQuery({ name: 'format', required: false, enum: ['yaml', 'csv'] })
  @ApiQuery({
    name: 'file',
    required: false,
    description: 'With format=csv: one file (units.csv, ...) as text/csv',
  })
  @Header('Cache-Control', 'no-store')
  async export(
    @Res({ passthrough: true }) res: Response,
    @Query('format') format = 'yaml',
    @Query('file') file?: string,
  ): Promise<string | { files: { name: string; content: string }[] }> {
    if (format === 'yaml') {
      res.type('application/yaml');
      return this.exporter.yaml();
    }
    if (format !== 'csv')
      throw new ValidationError('invalid format', [
        { field: 'format', message: 'format must be yaml or csv' },
      ]);
    const files = await this.exporter.csv();
    if (!file) return { files };
    const one = files.find((f) => f.name === file);
    if (!one)
      throw new ValidationError('unknown file', [
        { field: 'file', message: `file must be one of ${files.map((f) => f.name).join(', ')}` },
      ]);
    res.type('text/csv');
    return one.content;
  }
}
