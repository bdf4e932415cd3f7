import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationError,
} from '../common/errors';
import { hashPassword, passwordProblems, randomPassword, verifyPassword } from './password';
import { Role, roleWithin } from './permissions';

/** Settings of sign-in (README.md beside this file; `auth.*` in the configuration). */
export interface AuthSettings {
  /** Session lifetime. */
  sessionHours: number;
  /** Failed logins in a row before the account is locked... */
  lockoutAttempts: number;
  /** ...for this long. */
  lockoutMinutes: number;
  /** The first admin's password; empty: a random one, printed once at first start. */
  adminPassword: string;
  now: () => Date;
}

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');

/** Who is calling: a signed-in user (session) or an API token acting for its owner. */
export interface Principal {
  kind: 'session' | 'token';
  /** The session or token id. */
  id: string;
  userId: string;
  username: string;
  role: Role;
  /** Unit subtree the principal is limited to; null: everything. */
  unitId: string | null;
  /** For logs and the audit: `user:alice` or `token:backup-job (alice)`. */
  label: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  disabled: boolean;
  lockedUntil: Date | null;
  passwordChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  username: string;
  role: Role;
  unitId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const USER_COLUMNS = `id, username, display_name AS "displayName", role, unit_id AS "unitId",
  disabled, locked_until AS "lockedUntil", password_changed_at AS "passwordChangedAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
const TOKEN_COLUMNS = `t.id, t.name, t.prefix, t.user_id AS "userId", u.username, t.role,
  t.unit_id AS "unitId", t.created_at AS "createdAt", t.expires_at AS "expiresAt",
  t.last_used_at AS "lastUsedAt", t.revoked_at AS "revokedAt"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SESSION_PREFIX = 'nws_';
const TOKEN_PREFIX = 'nwt_';
/** Failed logins from one address within the window before it is slowed down. */
const ADDRESS_LIMIT = 20;
const ADDRESS_WINDOW_MS = 10 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newSecret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

/**
 * Users, sessions and API tokens. Passwords are scrypt hashes; session and API tokens are
 * random 256-bit values of which only the SHA-256 is stored (a database leak gives no usable
 * token). Every login, logout and failure goes to the audit log.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  /** Failed logins per source address (in memory: a per-process brake on guessing). */
  private readonly failuresByAddress = new Map<string, number[]>();
  /** A hash to verify against when the user does not exist, so timing does not tell. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(AUTH_SETTINGS) readonly settings: AuthSettings,
  ) {}

  /**
   * First start: with no user at all, creates `admin` with the configured password or a random
   * one, returned so the caller prints it once. Later starts change nothing.
   */
  async bootstrapAdmin(): Promise<{ created: boolean; password?: string; generated?: boolean }> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM users`,
    );
    if (n > 0) return { created: false };
    const generated = !this.settings.adminPassword;
    const password = this.settings.adminPassword || randomPassword();
    const problems = passwordProblems(password, 'admin');
    if (problems.length)
      throw new ValidationError('the configured admin password is not acceptable', [
        { field: 'auth.adminPassword', message: problems.join('; ') },
      ]);
    await this.dataSource.query(
      `INSERT INTO users (username, display_name, role, password_hash)
       VALUES ('admin', 'Administrator', 'admin', $1) ON CONFLICT (username) DO NOTHING`,
      [await hashPassword(password)],
    );
    void this.audit.record({
      action: 'user_create',
      outcome: 'ok',
      actor: 'system',
      requestId: null,
      detail: { username: 'admin', role: 'admin', bootstrap: true },
    });
    return { created: true, password: generated ? password : undefined, generated };
  }

  // ---- sign-in ----

  async login(
    username: string,
    password: string,
    sourceAddress: string | null,
  ): Promise<{ token: string; expiresAt: Date; user: User }> {
    const now = this.settings.now();
    const address = sourceAddress ?? 'unknown';
    const fail = (reason: string, status: number, err: Error) => {
      void this.audit.record({
        action: 'login',
        outcome: 'refused',
        status,
        sourceAddress,
        actor: `login:${username.slice(0, 64)}`,
        detail: { reason },
      });
      return err;
    };
    if (this.addressFailures(address, now) >= ADDRESS_LIMIT)
      throw fail(
        'too many failures from this address',
        429,
        new TooManyRequestsError('too many failed sign-ins from this address; try again later'),
      );
    const rows: (User & { passwordHash: string; failedLogins: number })[] =
      await this.dataSource.query(
        `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash", failed_logins AS "failedLogins"
         FROM users WHERE username = $1`,
        [username.toLowerCase()],
      );
    const user = rows[0];
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.dummy()));
    if (user?.lockedUntil && new Date(user.lockedUntil) > now)
      throw fail(
        'locked',
        429,
        new TooManyRequestsError(
          `this account is locked after repeated failures until ${new Date(user.lockedUntil).toISOString()}`,
        ),
      );
    if (!user || !ok || user.disabled) {
      this.noteAddressFailure(address, now);
      if (user && !ok) {
        const failed = user.failedLogins + 1;
        const lock = failed >= this.settings.lockoutAttempts;
        await this.dataSource.query(
          `UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1`,
          [
            user.id,
            lock ? 0 : failed,
            lock ? new Date(now.getTime() + this.settings.lockoutMinutes * 60_000) : null,
          ],
        );
      }
      throw fail(
        user?.disabled ? 'disabled' : 'bad credentials',
        401,
        new UnauthenticatedError('wrong username or password'),
      );
    }
    await this.dataSource.query(
      `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`,
      [user.id],
    );
    const token = newSecret(SESSION_PREFIX);
    const expiresAt = new Date(now.getTime() + this.settings.sessionHours * 3_600_000);
    await this.dataSource.query(
      `INSERT INTO sessions (token_hash, user_id, source_address, created_at, expires_at,
         last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)`,
      [sha256(token), user.id, sourceAddress, now, expiresAt],
    );
    void this.audit.record({
      action: 'login',
      outcome: 'ok',
      status: 200,
      sourceAddress,
      actor: `user:${user.username}`,
    });
    const { passwordHash: _hash, failedLogins: _failed, ...plain } = user;
    return { token, expiresAt, user: plain };
  }

  /** The principal of a bearer token, or null when it is unknown, expired or revoked. */
  async authenticate(token: string): Promise<Principal | null> {
    const now = this.settings.now();
    if (token.startsWith(SESSION_PREFIX)) {
      const rows: (Principal & { expires: Date })[] = await this.dataSource.query(
        `SELECT s.id, u.id AS "userId", u.username, u.role, u.unit_id AS "unitId"
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND NOT u.disabled`,
        [sha256(token), now],
      );
      if (!rows.length) return null;
      const r = rows[0];
      return { ...r, kind: 'session', label: `user:${r.username}` };
    }
    if (token.startsWith(TOKEN_PREFIX)) {
      const rows: (Principal & { name: string })[] = await this.dataSource.query(
        `SELECT t.id, t.name, u.id AS "userId", u.username, t.role, t.unit_id AS "unitId"
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > $2) AND NOT u.disabled`,
        [sha256(token), now],
      );
      if (!rows.length) return null;
      const r = rows[0];
      await this.dataSource.query(`UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, [
        r.id,
        now,
      ]);
      return {
        kind: 'token',
        id: r.id,
        userId: r.userId,
        username: r.username,
        role: r.role,
        unitId: r.unitId,
        label: `token:${r.name} (${r.username})`,
      };
    }
    return null;
  }

  async logout(p: Principal): Promise<void> {
    if (p.kind !== 'session') return;
    await this.dataSource.query(`UPDATE sessions SET revoked_at = $2 WHERE id = $1`, [
      p.id,
      this.settings.now(),
    ]);
    void this.audit.record({ action: 'logout', outcome: 'ok', actor: p.label });
  }

  /** Changes the caller's password; every other session of the user is revoked. */
  async changePassword(p: Principal, current: string, next: string): Promise<void> {
    const [row]: { hash: string }[] = await this.dataSource.query(
      `SELECT password_hash AS hash FROM users WHERE id = $1`,
      [p.userId],
    );
    if (!row || !(await verifyPassword(current, row.hash))) {
      void this.audit.record({ action: 'password', outcome: 'refused', actor: p.label });
      throw new ValidationError('wrong password', [
        { field: 'currentPassword', message: 'currentPassword: does not match' },
      ]);
    }
    await this.setPassword(p.userId, p.username, next, p.kind === 'session' ? p.id : null);
    void this.audit.record({ action: 'password', outcome: 'ok', actor: p.label });
  }

  // ---- users (admin) ----

  async listUsers(): Promise<User[]> {
    return this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
  }

  async getUser(id: string): Promise<User> {
    const rows: User[] = UUID.test(id)
      ? await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id])
      : [];
    if (!rows.length) throw new NotFoundError(`user ${id} not found`);
    return rows[0];
  }

  /** Creates a user; without a password, a random one is generated and returned once. */
  async createUser(input: {
    username: string;
    displayName?: string;
    role: Role;
    unitId?: string | null;
    password?: string;
  }): Promise<{ user: User; password?: string }> {
    const username = input.username.toLowerCase();
    const password = input.password ?? randomPassword();
    const problems = passwordProblems(password, username);
    if (problems.length)
      throw new ValidationError('weak password', [
        { field: 'password', message: `password: ${problems.join('; ')}` },
      ]);
    if (input.unitId) await this.assertUnit(input.unitId);
    let id: string;
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        `INSERT INTO users (username, display_name, role, unit_id, password_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [
          username,
          input.displayName ?? '',
          input.role,
          input.unitId ?? null,
          await hashPassword(password),
        ],
      );
      id = rows[0].id;
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23505')
        throw new ConflictError('username taken', [
          { field: 'username', message: `username: ${username} already exists` },
        ]);
      throw err;
    }
    return { user: await this.getUser(id), password: input.password ? undefined : password };
  }

  /** Role, scope, name, disabled; disabling revokes the user's sessions. */
  async updateUser(
    id: string,
    changes: { displayName?: string; role?: Role; unitId?: string | null; disabled?: boolean },
  ): Promise<User> {
    const user = await this.getUser(id);
    if (changes.unitId) await this.assertUnit(changes.unitId);
    await this.dataSource.query(
      `UPDATE users SET display_name = $2, role = $3, unit_id = $4, disabled = $5,
         updated_at = now() WHERE id = $1`,
      [
        id,
        changes.displayName ?? user.displayName,
        changes.role ?? user.role,
        changes.unitId === undefined ? user.unitId : changes.unitId,
        changes.disabled ?? user.disabled,
      ],
    );
    if (changes.disabled || (changes.role && changes.role !== user.role))
      await this.revokeSessions(id, null);
    return this.getUser(id);
  }

  /** An admin sets a new password (returned once when generated); all sessions end. */
  async resetPassword(id: string, password?: string): Promise<{ password?: string }> {
    const user = await this.getUser(id);
    const next = password ?? randomPassword();
    await this.setPassword(id, user.username, next, null);
    await this.dataSource.query(
      `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`,
      [id],
    );
    return { password: password ? undefined : next };
  }

  // ---- API tokens ----

  /** A token acting for the caller's user, with a role and scope no wider; shown once. */
  async createToken(
    p: Principal,
    input: { name: string; role?: Role; unitId?: string | null; expiresAt?: Date | null },
  ): Promise<{ token: string; info: ApiToken }> {
    const role = input.role ?? p.role;
    if (!roleWithin(role, p.role))
      throw new ForbiddenError('role too wide', [
        { field: 'role', message: `role: a ${p.role} cannot create a ${role} token` },
      ]);
    const unitId = input.unitId === undefined ? p.unitId : input.unitId;
    if (p.unitId && unitId !== p.unitId && !(unitId && (await this.inSubtree(unitId, p.unitId))))
      throw new ForbiddenError('scope too wide', [
        { field: 'unitId', message: 'unitId: must be within your own unit' },
      ]);
    if (unitId) await this.assertUnit(unitId);
    if (input.expiresAt && input.expiresAt <= this.settings.now())
      throw new ValidationError('expiry in the past', [
        { field: 'expiresAt', message: 'expiresAt: must be in the future' },
      ]);
    const token = newSecret(TOKEN_PREFIX);
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO api_tokens (name, token_hash, prefix, user_id, role, unit_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        input.name,
        sha256(token),
        token.slice(0, 10),
        p.userId,
        role,
        unitId,
        input.expiresAt ?? null,
      ],
    );
    void this.audit.record({
      action: 'token_create',
      outcome: 'ok',
      actor: p.label,
      detail: { tokenId: rows[0].id, name: input.name, role },
    });
    return { token, info: await this.getToken(rows[0].id) };
  }

  /** The caller's tokens (an admin sees every token). */
  async listTokens(p: Principal): Promise<ApiToken[]> {
    return this.dataSource.query(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE $1::uuid IS NULL OR t.user_id = $1 ORDER BY t.created_at DESC, t.id`,
      [p.role === 'admin' && !p.unitId ? null : p.userId],
    );
  }

  async revokeToken(p: Principal, id: string): Promise<ApiToken> {
    const token = await this.getToken(id);
    if (token.userId !== p.userId && !(p.role === 'admin' && !p.unitId))
      throw new NotFoundError(`token ${id} not found`);
    await this.dataSource.query(
      `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1`,
      [id, this.settings.now()],
    );
    void this.audit.record({
      action: 'token_revoke',
      outcome: 'ok',
      actor: p.label,
      detail: { tokenId: id },
    });
    return this.getToken(id);
  }

  // ---- helpers ----

  private async getToken(id: string): Promise<ApiToken> {
    const rows: ApiToken[] = UUID.test(id)
      ? await this.dataSource.query(
          `SELECT ${TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
          [id],
        )
      : [];
    if (!rows.length) throw new NotFoundError(`token ${id} not found`);
    return rows[0];
  }

  private async setPassword(
    userId: string,
    username: string,
    password: string,
    keepSession: string | null,
  ): Promise<void> {
    const problems = passwordProblems(password, username);
    if (problems.length)
      throw new ValidationError('weak password', [
        { field: 'newPassword', message: `newPassword: ${problems.join('; ')}` },
      ]);
    await this.dataSource.query(
      `UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1`,
      [userId, await hashPassword(password), this.settings.now()],
    );
    await this.revokeSessions(userId, keepSession);
  }

  private async revokeSessions(userId: string, keep: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND revoked_at IS NULL
         AND ($2::uuid IS NULL OR id <> $2)`,
      [userId, keep, this.settings.now()],
    );
  }

  private async assertUnit(unitId: string): Promise<void> {
    const rows: unknown[] = UUID.test(unitId)
      ? await this.dataSource.query(`SELECT 1 FROM units WHERE id = $1`, [unitId])
      : [];
    if (!rows.length)
      throw new ValidationError('unknown unit', [
        { field: 'unitId', message: `unitId: no unit ${unitId}` },
      ]);
  }

  /** Whether `unitId` is `root` or below it. */
  async inSubtree(unitId: string, root: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH RECURSIVE up AS (SELECT id, parent_id FROM units WHERE id = $1
         UNION ALL SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id)
       SELECT 1 FROM up WHERE id = $2`,
      [unitId, root],
    );
    return rows.length > 0;
  }

  private addressFailures(address: string, now: Date): number {
    const recent = (this.failuresByAddress.get(address) ?? []).filter(
      (t) => t > now.getTime() - ADDRESS_WINDOW_MS,
    );
    this.failuresByAddress.set(address, recent);
    return recent.length;
  }

  private noteAddressFailure(address: string, now: Date): void {
    const list = this.failuresByAddress.get(address) ?? [];
    list.push(now.getTime());
    this.failuresByAddress.set(address, list);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomPassword());
    return this.dummyHash;
  }
}
