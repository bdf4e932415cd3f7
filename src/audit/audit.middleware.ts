import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { currentActor } from '../common/request-context';
import { AuditOutcome, AuditService } from './audit.service';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function outcomeOf(status: number): AuditOutcome {
  if (status >= 500) return 'error';
  if (status >= 400) return 'refused';
  return 'ok';
}

/**
 * Records every change request in the audit log once its response is sent: who, from where,
 * which request, method and path (never the query string or the body: they may hold
 * secrets), status and outcome. Reads are not recorded.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  constructor(private readonly audit: AuditService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (!CHANGES.has(req.method)) return next();
    const ctx = currentActor();
    const path = (req.originalUrl ?? req.url).split('?')[0];
    res.on('finish', () => {
      void this.audit.record({
        action: 'api_change',
        method: req.method,
        path,
        status: res.statusCode,
        outcome: outcomeOf(res.statusCode),
        sourceAddress: req.ip ?? null,
        actor: ctx.actor,
        requestId: ctx.requestId,
      });
    });
    next();
  }
}
