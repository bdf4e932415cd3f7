import {
  Body,
  Controller,
  createParamDecorator,
  Delete,
  ExecutionContext,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Req,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '../common/errors';
import { strictValidationPipe } from '../common/validation';
import type { AuthedRequest } from './auth.guard';
import {
  ChangePasswordDto,
  CreateTokenDto,
  CreateUserDto,
  LoginDto,
  ResetPasswordDto,
  UpdateUserDto,
} from './auth.dto';
import { AuthService, Principal } from './auth.service';
import { ACCESS, Access, Authenticated, Public } from './permissions';

/** The principal the guard authenticated. */
export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<AuthedRequest>().principal!,
);

/** An admin is global: a unit scope is for the other roles. */
function refuseScopedAdmin(role: string | undefined, unitId: string | null | undefined): void {
  if (role === 'admin' && unitId)
    throw new ValidationError('an admin cannot be unit-scoped', [
      { field: 'unitId', message: 'unitId: admins see everything; choose another role' },
    ]);
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: returns a session token (Authorization: Bearer <token>)' })
  @ApiBody({ type: LoginDto })
  async login(@Body(strictValidationPipe(LoginDto)) body: LoginDto, @Req() req: AuthedRequest) {
    return this.auth.login(body.username, body.password, req.ip ?? null);
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session' })
  async logout(@Caller() p: Principal): Promise<void> {
    await this.auth.logout(p);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who the caller is: user, role, scope, session or token' })
  me(@Caller() p: Principal) {
    // The grants per domain, so the dashboard shows only what the API will allow.
    return { ...p, access: ACCESS[p.role] };
  }

  @Post('password')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password; every other session ends' })
  @ApiBody({ type: ChangePasswordDto })
  async password(
    @Caller() p: Principal,
    @Body(strictValidationPipe(ChangePasswordDto)) body: ChangePasswordDto,
  ): Promise<void> {
    await this.auth.changePassword(p, body.currentPassword, body.newPassword);
  }
}

@ApiTags('auth')
@Access('users')
@Controller('api/users')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ApiOperation({ summary: 'Users (never their password hashes)' })
  async list() {
    return { items: await this.auth.listUsers() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user' })
  async get(@Param('id') id: string) {
    return this.auth.getUser(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user (a generated password is returned once)' })
  @ApiBody({ type: CreateUserDto })
  async create(@Body(strictValidationPipe(CreateUserDto)) body: CreateUserDto) {
    refuseScopedAdmin(body.role, body.unitId);
    return this.auth.createUser(body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change role, name or disabled (sessions end on role change/disable)' })
  @ApiBody({ type: UpdateUserDto })
  async update(
    @Param('id') id: string,
    @Body(strictValidationPipe(UpdateUserDto)) body: UpdateUserDto,
  ) {
    const current = await this.auth.getUser(id);
    refuseScopedAdmin(
      body.role ?? current.role,
      body.unitId === undefined ? current.unitId : body.unitId,
    );
    return this.auth.updateUser(id, body);
  }

  @Post(':id/password')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a new password (generated if absent, returned once); sessions end',
  })
  @ApiBody({ type: ResetPasswordDto })
  async reset(
    @Param('id') id: string,
    @Body(strictValidationPipe(ResetPasswordDto)) body: ResetPasswordDto,
  ) {
    return this.auth.resetPassword(id, body.password);
  }
}

@ApiTags('auth')
@Authenticated()
@Controller('api/tokens')
export class TokensController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ApiOperation({ summary: 'Your API tokens (an admin sees all); never the token itself' })
  async list(@Caller() p: Principal) {
    return { items: await this.auth.listTokens(p) };
  }

  @Post()
  @ApiOperation({ summary: 'Create an API token acting for you; shown once' })
  @ApiBody({ type: CreateTokenDto })
  async create(
    @Caller() p: Principal,
    @Body(strictValidationPipe(CreateTokenDto)) body: CreateTokenDto,
  ) {
    return this.auth.createToken(p, {
      name: body.name,
      role: body.role,
      unitId: body.unitId,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a token' })
  async revoke(@Caller() p: Principal, @Param('id') id: string) {
    return this.auth.revokeToken(p, id);
  }
}
