/** Domain errors: services throw these, one exception filter maps them to HTTP. */
export interface FieldProblem {
  field: string;
  message: string;
  /** Where the bad value came from, for imports: file and line or row. */
  file?: string;
  line?: number;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

/** The request is well-formed but its values are not acceptable (bad field, unknown reference). */
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
}

/** The change would break uniqueness or a still-existing reference. */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}
