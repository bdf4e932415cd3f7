import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError, FieldProblem } from './errors';

export interface ErrorBody {
  error: string;
  message: string;
  details: FieldProblem[];
}

const STATUS_BY_CODE: Record<string, number> = {
  not_found: HttpStatus.NOT_FOUND,
  validation_failed: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  payload_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
};

/** body-parser errors carry a `type` and a `status`. */
interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

const snake = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/**
 * The one place errors become HTTP: `{error, message, details[]}` for every failure. Unknown
 * errors are logged with the request id and answered without stack traces or SQL.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const [status, body] = this.toResponse(exception, req);
    res.status(status).json(body);
  }

  private toResponse(exception: unknown, req: Request): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      return [
        STATUS_BY_CODE[exception.code] ?? HttpStatus.BAD_REQUEST,
        { error: exception.code, message: exception.message, details: exception.details },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return [
        status,
        { error: snake(HttpStatus[status] ?? 'error'), message: exception.message, details: [] },
      ];
    }
    const parser = exception as BodyParserError;
    if (parser?.type === 'entity.too.large') {
      return [
        413,
        { error: 'payload_too_large', message: 'request body is too large', details: [] },
      ];
    }
    if (parser?.type === 'entity.parse.failed') {
      return [
        400,
        { error: 'invalid_json', message: 'request body is not valid JSON', details: [] },
      ];
    }
    if (parser?.type && parser.status && parser.status < 500) {
      return [
        parser.status,
        { error: snake(parser.type), message: parser.message ?? 'bad request', details: [] },
      ];
    }
    this.logger.error(
      `request ${String(req.headers['x-request-id'] ?? '')} ${req.method} ${req.path} failed: ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return [500, { error: 'internal_error', message: 'internal server error', details: [] }];
  }
}
