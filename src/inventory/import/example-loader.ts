import { Injectable } from '@nestjs/common';

@Injectable()
export class ExampleInventoryLoader {
  async loadIfEmpty(): Promise<void> {}
}
