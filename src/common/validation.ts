import { ArgumentMetadata, Type, ValidationPipe } from '@nestjs/common';
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
 * Deeper than any body or query the API takes. class-transformer and class-validator recurse
 * per level: a body nested a few thousand levels deep overflowed the stack (a 500), so such a
 * value is refused before they see it.
 */
export const MAX_INPUT_DEPTH = 32;

/** Whether `value` nests objects/arrays deeper than `limit` (iterative: no recursion to overflow). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v as object)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The fields (dotted paths; `(body)` for the value itself) whose text, or whose key, holds
 * U+0000: PostgreSQL text and jsonb cannot store it, so such a value failed at the INSERT (a 500).
 */
export function fieldsWithNul(value: unknown, prefix = ''): string[] {
  const out: string[] = [];
  const stack: [unknown, string][] = [[value, prefix]];
  while (stack.length) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\u0000')) out.push(path || '(body)');
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v as object)) {
        const at = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) out.push(at);
        else stack.push([child, at]);
      }
    }
  }
  return out.sort();
}

const MAGIC_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths of `__proto__`, `constructor` and `prototype` keys: never a field of any DTO. */
export function magicKeys(value: unknown): string[] {
  const out: string[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop() as [unknown, string];
    if (v === null || typeof v !== 'object') continue;
    for (const [key, child] of Object.entries(v as object)) {
      const at = path ? `${path}.${key}` : key;
      if (MAGIC_KEYS.has(key)) out.push(at);
      else stack.push([child, at]);
    }
  }
  return out.sort();
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestedDeeperThan(value, MAX_INPUT_DEPTH)) {
      throw new ValidationError('request validation failed', [
        {
          field: metadata.data ?? `(${metadata.type})`,
          message: `nested more than ${MAX_INPUT_DEPTH} levels deep`,
        },
      ]);
    }
    const magic = magicKeys(value);
    if (magic.length) {
      // class-transformer skips these keys, so the whitelist never saw them: refuse them here.
      throw new ValidationError(
        'request validation failed',
        magic.map((field) => ({ field, message: `${field} is not a known field` })),
      );
    }
    const withNul = fieldsWithNul(value);
    if (withNul.length) {
      throw new ValidationError(
        'request validation failed',
        withNul.map((field) => ({
          field,
          message: `${field} must not contain the character U+0000`,
        })),
      );
    }
    return (await super.transform(value, metadata)) as unknown;
  }
}

/**
 * Strict body validation: unknown fields are rejected (not silently dropped), every problem is
 * reported at once with its field name.
 */
export function strictValidationPipe(expectedType?: Type<object>): ValidationPipe {
  return new StrictValidationPipe({
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
