import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { App } from 'supertest/types';
import { AuthService, Principal } from '../../src/auth/auth.service';
import { randomPassword } from '../../src/auth/password';
import { Role } from '../../src/auth/permissions';

/** A user of `role` with an API token, made through the service (as an admin would). */
export async function tokenFor(app: INestApplication, role: Role): Promise<string> {
  const auth = app.get(AuthService);
  const username = `test-${role}-${randomBytes(4).toString('hex')}`;
  const { user } = await auth.createUser({ username, role, password: randomPassword() });
  const owner: Principal = {
    kind: 'session',
    id: '00000000-0000-0000-0000-000000000000',
    userId: user.id,
    username,
    role,
    unitId: null,
    label: `user:${username}`,
  };
  return (await auth.createToken(owner, { name: 'tests' })).token;
}

/**
 * The app's HTTP handler for supertest that signs every request with `token` unless the request
 * sets its own Authorization header (an empty one sends none).
 */
export function signedHandler(app: INestApplication, token: string): App {
  const express = app.getHttpAdapter().getInstance() as (
    req: IncomingMessage,
    res: ServerResponse,
  ) => void;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization === undefined) req.headers.authorization = `Bearer ${token}`;
    else if (req.headers.authorization === '') delete req.headers.authorization;
    express(req, res);
  };
}

/** Signs in through the API of a running service and returns the session token. */
export async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** The admin password the spawned services of the e2e tests start with. */
export const E2E_ADMIN_PASSWORD = 'e2e-sign-in-secret-not-for-production';
