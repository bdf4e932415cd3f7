import { Controller } from '@nestjs/common';

@Controller('api/inventory')
export class ImportController {}
