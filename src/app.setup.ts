import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, NextFunction, raw, Request, Response } from 'express';
import { HttpErrorFilter } from './common/http-error.filter';
import { runWithActor } from './common/request-context';
import { strictValidationPipe } from './common/validation';
import { NetwatchConfig } from './config/config.types';

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

/** HTTP set-up shared by the service and the e2e tests, so tests exercise the real pipeline. */
export function configureApp(app: INestApplication, config: NetwatchConfig): void {
  app.use(requestContext);
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
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
