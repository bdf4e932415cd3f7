import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { setActor } from '../common/request-context';
import { AuthService, Principal } from './auth.service';
import { ACCESS_KEY, allows, RouteAccess, SCOPED_KEY } from './permissions';

export type AuthedRequest = Request & { principal?: Principal };

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer\s+(\S{1,200})$/i;

/**
 * Deny by default: a route without `@Access`, `@Authenticated` or `@Public` is refused for
 * everyone. Otherwise the bearer token (session or API token) is checked, the actor of the
 * request becomes the principal, and its role must grant the route's domain (read for GET/HEAD,
 * read-write for the rest).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!access)
      throw new ForbiddenError('this route declares no permission, so nobody may use it');
    if (access.kind === 'public') return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const match = BEARER.exec(req.header('authorization') ?? '');
    const principal = match ? await this.auth.authenticate(match[1]) : null;
    if (!principal)
      throw new UnauthenticatedError(
        'sign in first: send Authorization: Bearer <session or API token>',
      );
    req.principal = principal;
    setActor(principal.label, principal.unitId);
    if (access.kind === 'authenticated') return true;
    const scoped = this.reflector.getAllAndOverride<boolean | undefined>(SCOPED_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (principal.unitId && !scoped)
      throw new ForbiddenError('this route is not available to unit-scoped users and tokens');
    const write = !READS.has(req.method);
    if (!allows(principal.role, access.domain, write))
      throw new ForbiddenError(
        `the ${principal.role} role may not ${write ? 'change' : 'read'} ${access.domain}`,
      );
    return true;
  }
}
