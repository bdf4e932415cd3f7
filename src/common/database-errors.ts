import { QueryFailedError } from 'typeorm';
import { ConflictError, DomainError, ValidationError } from './errors';

interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
  table?: string;
  detail?: string;
}

const camel = (column: string) => column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Turns a PostgreSQL constraint violation into a domain error naming the API field. Anything
 * that is not a constraint violation is returned unchanged (it is a bug or an outage, not bad input).
 */
export function mapDatabaseError(
  err: unknown,
  objectType: string,
  constraintFields: Record<string, string>,
): unknown {
  if (!(err instanceof QueryFailedError)) return err;
  const pg = err.driverError as PgError;
  const field =
    (pg.constraint && constraintFields[pg.constraint]) || (pg.column ? camel(pg.column) : 'id');
  switch (pg.code) {
    case '23505':
      return new ConflictError(`${objectType}: ${field} is already in use`, [
        {
          field,
          message: `${field} must be unique; ${pg.detail ?? 'another record has this value'}`,
        },
      ]);
    case '23001': // restrict_violation: ON DELETE RESTRICT
    case '23503':
      if (
        pg.code === '23001' ||
        pg.detail?.includes('is still referenced') ||
        pg.detail?.includes('is referenced from')
      ) {
        return new ConflictError(`${objectType} is still in use`, [
          {
            field: 'id',
            message: `other records still refer to it (${pg.table ?? 'another table'})`,
          },
        ]);
      }
      return new ValidationError(`${objectType}: ${field} refers to nothing`, [
        { field, message: `${field} does not refer to an existing record` },
      ]);
    case '23502':
      return new ValidationError(`${objectType}: ${field} is required`, [
        { field, message: `${field} is required` },
      ]);
    case '23514':
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return new ValidationError(`${objectType}: invalid value`, [
        { field, message: `${field} is not acceptable (${pg.constraint ?? 'value out of range'})` },
      ]);
    default:
      return err;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
