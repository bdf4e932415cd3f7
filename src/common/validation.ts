import { Type, ValidationPipe } from '@nestjs/common';
import { ValidationError as ClassValidatorError } from 'class-validator';
import { FieldProblem, ValidationError } from './errors';

/** Flattens class-validator's nested errors into `field.path: message` details. */
export function toFieldProblems(errors: ClassValidatorError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [name, message] of Object.entries(error.constraints ?? {})) {
      out.push({
        field,
        message:
          name === 'whitelistValidation'
            ? `${field} is not a known field`
            : message.replace(error.property, field),
      });
    }
    if (error.children?.length) out.push(...toFieldProblems(error.children, field));
  }
  return out;
}

/**
 * Strict body validation: unknown fields are rejected (not silently dropped), every problem is
 * reported at once with its field name.
 */
export function strictValidationPipe(expectedType?: Type<object>): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    expectedType,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new ValidationError('request validation failed', toFieldProblems(errors)),
  });
}
