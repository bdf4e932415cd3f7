import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication, Logger } from '@nestjs/common';
import { Application, NextFunction, Request, Response, static as serveStatic } from 'express';
import { projectRoot } from '../common/project-root';

/** The built dashboard (web/build.mjs writes it; `npm run build` runs that). */
export const DASHBOARD_DIR = join(projectRoot(), 'dist', 'web');

/** The pages that serve the dashboard's one HTML document: the app and the public status page. */
export const DASHBOARD_PAGES = ['/', '/status'];
export const DASHBOARD_ASSETS = '/ui';

export const isDashboardPath = (path: string): boolean =>
  DASHBOARD_PAGES.includes(path) ||
  path === DASHBOARD_ASSETS ||
  path.startsWith(`${DASHBOARD_ASSETS}/`);

/**
 * Serves the dashboard from the same origin as the API: the HTML at `/` and `/status`, the
 * bundle at `/ui/`. The pages hold no data; everything they show comes from the API with the
 * caller's token, so the API's permissions and unit scoping are the dashboard's. Assets are
 * public (they are the same for everyone); the HTML is never cached so a new build is picked up.
 */
export function serveDashboard(app: INestApplication): void {
  const server = app.getHttpAdapter().getInstance() as Application;
  const index = join(DASHBOARD_DIR, 'index.html');
  if (!existsSync(index)) {
    new Logger('Dashboard').warn(`no dashboard build at ${DASHBOARD_DIR}: run npm run build`);
    return;
  }
  server.use(
    DASHBOARD_ASSETS,
    serveStatic(DASHBOARD_DIR, { index: false, fallthrough: false, maxAge: '1h' }),
  );
  const page = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  for (const p of DASHBOARD_PAGES) server.get(p, page);
}
