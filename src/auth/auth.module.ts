import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController, TokensController, UsersController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AUTH_SETTINGS, AuthService, AuthSettings } from './auth.service';

/** Users, sessions, tokens and the deny-by-default guard on every route (README.md here). */
@Global()
@Module({})
export class AuthModule {
  static forRoot(settings: Omit<AuthSettings, 'now'> & { now?: () => Date }): DynamicModule {
    return {
      module: AuthModule,
      controllers: [AuthController, UsersController, TokensController],
      providers: [
        { provide: AUTH_SETTINGS, useValue: { now: () => new Date(), ...settings } },
        AuthService,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AuthService],
    };
  }
}
