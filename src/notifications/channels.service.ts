import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { OutboundGuard } from '../common/outbound-guard';
import { SecretBox } from '../common/secret-box';
import { driverFor } from './channels';
import type { ChannelDriver, ChannelKind, SendContext } from './notification.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_UNIQUE_VIOLATION = '23505';

/** A channel as the API shows it: secrets are never included, only which ones are set. */
export interface Channel {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  config: Record<string, unknown>;
  /** Names of the secret fields that are set (their values are write-only). */
  secretFields: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A channel ready to send with: config and secret parsed by its driver. */
export interface LoadedChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  config: unknown;
  secret: unknown;
}

interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  config: Record<string, unknown>;
  secret: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelInput {
  name?: string;
  kind?: ChannelKind;
  enabled?: boolean;
  config?: Record<string, unknown>;
  /** Replaces the secrets; `null` clears them; absent keeps them. */
  secret?: Record<string, unknown> | null;
}

/** Notification channels: stored config, encrypted secrets, validated by each kind's driver. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly guard: OutboundGuard,
  ) {}

  /** What a driver's send needs from the service: the outbound rule. */
  get sendContext(): SendContext {
    return { guard: this.guard };
  }

  async list(): Promise<Channel[]> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT * FROM notification_channels ORDER BY name`,
    );
    return rows.map((r) => this.toChannel(r));
  }

  async get(id: string): Promise<Channel> {
    return this.toChannel(await this.row(id));
  }

  async create(input: Required<Pick<ChannelInput, 'name' | 'kind'>> & ChannelInput) {
    const driver = driverFor(input.kind);
    const config = driver.parseConfig(input.config ?? {});
    const secret = input.secret ? driver.parseSecret(input.secret) : null;
    await this.checkTargets(driver, config);
    const rows: ChannelRow[] = await this.write(() =>
      this.dataSource.query(
        `INSERT INTO notification_channels (name, kind, enabled, config, secret)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [
          input.name,
          input.kind,
          input.enabled ?? true,
          JSON.stringify(config),
          secret ? this.box.seal(JSON.stringify(secret)) : null,
        ],
      ),
    );
    return this.toChannel(rows[0]);
  }

  /** Changes what is given; the kind cannot change (its config would not fit). */
  async update(id: string, input: ChannelInput): Promise<Channel> {
    const row = await this.row(id);
    if (input.kind && input.kind !== row.kind)
      throw new ValidationError('kind cannot change', [
        { field: 'kind', message: 'kind: create a new channel instead' },
      ]);
    const driver = driverFor(row.kind);
    const config = input.config ? driver.parseConfig(input.config) : row.config;
    let secret = row.secret;
    if (input.secret === null) secret = null;
    else if (input.secret) secret = this.box.seal(JSON.stringify(driver.parseSecret(input.secret)));
    if (input.config) await this.checkTargets(driver, config);
    const rows: ChannelRow[] = await this.write(() =>
      this.dataSource.query(
        `WITH u AS (UPDATE notification_channels SET name = $2, enabled = $3, config = $4,
           secret = $5, updated_at = now() WHERE id = $1 RETURNING *) SELECT * FROM u`,
        [id, input.name ?? row.name, input.enabled ?? row.enabled, JSON.stringify(config), secret],
      ),
    );
    return this.toChannel(rows[0]);
  }

  /** Deletes the channel with its routes and queued messages. */
  async remove(id: string): Promise<void> {
    await this.row(id);
    await this.dataSource.query(`DELETE FROM notification_channels WHERE id = $1`, [id]);
  }

  /** The channel with its secret opened, for sending. */
  async load(id: string): Promise<LoadedChannel> {
    const row = await this.row(id);
    const driver = driverFor(row.kind);
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      enabled: row.enabled,
      config: driver.parseConfig(row.config),
      secret: driver.parseSecret(row.secret ? JSON.parse(this.box.open(row.secret)) : {}),
    };
  }

  /**
   * The outbound rule on every target of a config about to be stored: a refused one is a
   * ValidationError naming its field (`config.url`, `config.apiBase`, `config.host`). A name
   * that does not resolve yet is accepted; every send judges the target again.
   */
  private async checkTargets(driver: ChannelDriver, config: unknown): Promise<void> {
    const problems: { field: string; message: string }[] = [];
    for (const target of driver.targets(config)) {
      const verdict = await this.guard.check(target.host, target.port);
      if (verdict.kind === 'refused')
        problems.push({
          field: target.field,
          message: `${verdict.reason}: not allowed as a target (outbound rule); an administrator can allow it with notifications.allowedTargets (NETWATCH_OUTBOUND_ALLOW)`,
        });
    }
    if (problems.length)
      throw new ValidationError(
        `invalid ${driver.kind} channel config: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        problems,
      );
  }

  private async row(id: string): Promise<ChannelRow> {
    const rows: ChannelRow[] = UUID.test(id)
      ? await this.dataSource.query(`SELECT * FROM notification_channels WHERE id = $1`, [id])
      : [];
    if (!rows.length) throw new NotFoundError(`notification channel ${id} not found`);
    return rows[0];
  }

  private async write<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === PG_UNIQUE_VIOLATION)
        throw new ConflictError('name already used', [
          { field: 'name', message: 'name: another channel has this name' },
        ]);
      throw err;
    }
  }

  private toChannel(r: ChannelRow): Channel {
    let secretFields: string[] = [];
    if (r.secret) {
      try {
        secretFields = Object.keys(JSON.parse(this.box.open(r.secret)) as object).sort();
      } catch {
        // A secret sealed with another key still exists; say so without opening it.
        secretFields = ['(unreadable with the current key)'];
      }
    }
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      enabled: r.enabled,
      config: r.config,
      secretFields,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }
}
