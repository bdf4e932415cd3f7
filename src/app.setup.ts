import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Application, json, NextFunction, raw, Request, RequestHandler, Response } from 'express';
import helmet, { HelmetOptions } from 'helmet';
import { HttpErrorFilter } from './common/http-error.filter';
import { runWithActor } from './common/request-context';
import { strictValidationPipe } from './common/validation';
import { NetwatchConfig } from './config/config.types';
import { isDashboardPath, serveDashboard } from './web/dashboard';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id (the caller's X-Request-Id if sane) that the change log records. */
function requestContext(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = requestId;
  res.setHeader('X-Request-Id', requestId);
  // Until users exist (issue 8) the actor is the caller's address.
  runWithActor({ actor: `api:${req.ip ?? 'unknown'}`, requestId, source: 'api' }, next);
}

/** Where @nestjs/swagger serves the Swagger UI page and its scripts and styles. */
export const DOCS_PATH = '/api/docs';

/**
 * Security headers on every response (errors included): CSP, nosniff, no framing, no referrer,
 * HSTS only when configured. The API's CSP allows no script at all; inline styles and data:
 * images stay allowed for the HTML compliance reports it serves. The Swagger UI pages also load
 * their own scripts, styles and images (all same-origin; its page has inline <style>).
 */
export function securityHeaders(server: NetwatchConfig['server']): RequestHandler {
  const https = server.hstsMaxAgeSeconds > 0;
  const common: Record<string, string[]> = {
    'base-uri': ["'none'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
  };
  // Only behind HTTPS: over plain HTTP the upgraded sub-requests would fail.
  const upgrade: Record<string, string[]> = https ? { 'upgrade-insecure-requests': [] } : {};
  const options = (directives: Record<string, string[]>): HelmetOptions => ({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...directives, ...common, ...upgrade },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    xContentTypeOptions: true,
    xPoweredBy: true,
    strictTransportSecurity: https
      ? { maxAge: server.hstsMaxAgeSeconds, includeSubDomains: false }
      : false,
  });
  const api = helmet(
    options({
      'default-src': ["'none'"],
      'style-src': ["'unsafe-inline'"],
      'img-src': ['data:'],
      'form-action': ["'none'"],
    }),
  );
  // The dashboard: its own bundle only (no inline script); fetches go to the same origin.
  const dashboard = helmet(
    options({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'connect-src': ["'self'"],
      'form-action': ["'self'"],
    }),
  );
  const docs = helmet(
    options({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'form-action': ["'self'"],
    }),
  );
  return (req, res, next) =>
    req.path === DOCS_PATH || req.path.startsWith(`${DOCS_PATH}/`)
      ? docs(req, res, next)
      : isDashboardPath(req.path)
        ? dashboard(req, res, next)
        : api(req, res, next);
}

/**
 * CORS: only the configured origins (server.corsOrigins) get CORS headers, preflights included;
 * any other origin gets none, so browsers refuse the cross-origin call.
 */
export function enableCors(app: INestApplication, origins: readonly string[]): void {
  const allowed = new Set(origins);
  app.enableCors({
    origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
      callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Content-Disposition'],
    credentials: true,
    maxAge: 600,
  });
}

/** HTTP set-up shared by the service and the e2e tests, so tests exercise the real pipeline. */
/** Body types the API reads: JSON everywhere, YAML and CSV for the inventory import. */
const BODY_TYPES = new Set([
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/csv',
]);

/**
 * A body of any other type is a 415 naming `content-type`, instead of being read as an empty
 * body (which a route with all-optional fields would accept and act on).
 */
function refuseUnknownBodies(req: Request, res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.method === 'GET' || req.method === 'HEAD') return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (BODY_TYPES.has(type) || type.endsWith('+json')) return next();
  res.status(415).json({
    error: 'unsupported_media_type',
    message: `cannot read a body of type "${type || 'none'}"`,
    details: [
      {
        field: 'content-type',
        message: 'send application/json (YAML or CSV only to the inventory import)',
      },
    ],
  });
}

export function configureApp(app: INestApplication, config: NetwatchConfig): void {
  (app.getHttpAdapter().getInstance() as Application).disable('x-powered-by');
  app.use(securityHeaders(config.server));
  enableCors(app, config.server.corsOrigins ?? []);
  app.use(requestContext);
  app.use(refuseUnknownBodies);
  app.use(json({ limit: config.server.bodyLimitBytes }));
  // Raw bytes, not text: the importer must see (and refuse) bytes that are not UTF-8 rather
  // than receive them already replaced by U+FFFD.
  app.use(
    raw({
      type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/csv'],
      limit: config.server.bodyLimitBytes,
    }),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalPipes(strictValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('NetWatch')
      .setDescription('Network inventory and IPv6/DNSSEC compliance monitor')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document, { jsonDocumentUrl: 'api/docs-json' });
  serveDashboard(app);
}
