import { Inventory1764300000000 } from './1764300000000-inventory';

/** Every migration, oldest first. Listed explicitly so src/ and dist/ load the same set. */
export const MIGRATIONS = [Inventory1764300000000];
