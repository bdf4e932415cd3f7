import type { OutboundGuard } from '../common/outbound-guard';

/**
 * What the outbox hands to a channel: one message about one incident event, or a digest of
 * several (storm control). Framework-free; channels and templates depend only on this file.
 */

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Incident events that can be routed to a channel. */
export const NOTIFICATION_EVENTS = [
  'opened',
  'reopened',
  'acknowledged',
  'resolved',
  'closed',
  /** An incident still `open` (nobody took it) some time after opening. */
  'unacknowledged',
  /** The upward report (Decision 05/2017/QĐ-TTg) is due soon and not yet sent. */
  'report_due',
  /** The upward report deadline has passed and the report is not sent. */
  'report_overdue',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const CHANNEL_KINDS = ['webhook', 'email', 'telegram'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The facts about an incident that a message shows. */
export interface IncidentSummary {
  id: string;
  /** Short human reference: "#42". */
  number: number;
  title: string;
  description: string;
  severity: 1 | 2 | 3 | 4;
  category: string;
  status: string;
  /** Unit code and name, when the incident has a unit. */
  unitCode: string | null;
  unitName: string | null;
  openedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  reportDueAt: Date;
  assignee: string | null;
  /** Link to the incident in the web UI or API (from `notifications.publicUrl`). */
  url: string | null;
}

/** One item of a message: an event about an incident. */
export interface NotificationItem {
  event: NotificationEvent;
  /** When the event happened. */
  at: Date;
  incident: IncidentSummary;
}

/** A generated report sent as e-mail attachments (scheduled compliance reports). */
export interface ReportNotice {
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  /** Recipients instead of the channel's own; empty: the channel's. */
  to: string[];
}

export interface NotificationMessage {
  /**
   * Stable id of this delivery: the same across retries and restarts, so a receiver can drop a
   * duplicate (webhook header `X-NetWatch-Delivery`, e-mail `Message-ID`).
   */
  deliveryId: string;
  /** One item, or several when storm control grouped them into one digest; none for a report. */
  items: NotificationItem[];
  /** Set for a report delivery (e-mail channels only). */
  report?: ReportNotice;
}

/** The outcome of one delivery attempt. */
export interface DeliveryResult {
  ok: boolean;
  /** HTTP status or SMTP reply code, when there was one. */
  code?: number;
  /** Short human-readable outcome (never a secret). */
  detail: string;
  /** false when retrying cannot help (e.g. HTTP 400/401/403/404, SMTP 5xx on recipients). */
  retryable: boolean;
}

/** What a send needs besides the message and the channel: the service's outbound rule. */
export interface SendContext {
  /**
   * Judges every target before a connection (metadata, link-local, the service's database).
   * Absent: the default rule, which does not know the database; the service always passes its
   * own.
   */
  guard?: OutboundGuard;
}

/** Where a channel connects to, with the config field that names it (for save-time checks). */
export interface ChannelTarget {
  /** `config.url`, `config.apiBase`, `config.host`. */
  field: string;
  host: string;
  port: number;
}

/**
 * A channel kind. `config` is the channel's non-secret settings, `secret` its secrets (stored
 * encrypted, never returned by the API); both are validated by `parseConfig`/`parseSecret`
 * before they are stored and again before use.
 */
export interface ChannelDriver<C = unknown, S = unknown> {
  kind: ChannelKind;
  /** Validates non-secret settings; throws a ValidationError naming `config.<field>`. */
  parseConfig(input: unknown): C;
  /** Validates secrets; throws a ValidationError naming `secret.<field>`. */
  parseSecret(input: unknown): S;
  /** Where the channel connects to, judged by the outbound rule before a config is stored. */
  targets(config: C): ChannelTarget[];
  /**
   * Sends one message; never throws for delivery problems (returns them). A target the outbound
   * rule refuses is a non-retryable failure.
   */
  send(
    message: NotificationMessage,
    config: C,
    secret: S,
    signal: AbortSignal,
    context?: SendContext,
  ): Promise<DeliveryResult>;
}
