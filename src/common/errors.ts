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

/** No valid session or token (401). */
export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
}

/** Signed in, but the role or unit scope does not allow this (403). */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

/** Too many attempts (login rate limit, lockout): 429. */
export class TooManyRequestsError extends DomainError {
  readonly code = 'too_many_requests';
}
