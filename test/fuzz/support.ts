import { Response } from 'supertest';

/** The error body of every failed request (src/common/http-error.filter.ts). */
export interface ErrorBody {
  error: string;
  message: string;
  details: { field: string; message: string; file?: string; line?: number }[];
}

/** Throws, with the response, unless `res` carries the standard error shape. */
export function expectErrorShape(res: Response, what: string): ErrorBody {
  const body = res.body as Partial<ErrorBody> | undefined;
  const ok =
    body !== undefined &&
    typeof body.error === 'string' &&
    body.error.length > 0 &&
    typeof body.message === 'string' &&
    Array.isArray(body.details) &&
    body.details.every(
      (d) =>
        d !== null &&
        typeof d === 'object' &&
        typeof d.field === 'string' &&
        typeof d.message === 'string',
    );
  if (!ok)
    throw new Error(
      `${what}: ${res.status} without the {error, message, details[]} shape: ${res.text.slice(0, 500)}`,
    );
  return body as ErrorBody;
}
