import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer';
import type {
  ChannelDriver,
  ChannelTarget,
  DeliveryResult,
  Language,
  NotificationMessage,
  SendContext,
} from '../notification.types';
import { escapeHtml, renderHtml, renderText } from '../templates';
import { excerpt, outboundGuard, refusedResult, scrubber, unusableMessage } from './delivery';
import { isEmailAddress, isHostname, Reader } from './validation';

export const EMAIL_SECURITY = ['starttls', 'tls', 'none'] as const;
export type EmailSecurity = (typeof EMAIL_SECURITY)[number];

export interface EmailConfig {
  host: string;
  port: number;
  /** starttls: STARTTLS required; tls: implicit TLS (SMTPS); none: plain SMTP, STARTTLS ignored. */
  security: EmailSecurity;
  from: string;
  to: string[];
  language: Language;
  username?: string;
  timeoutMs: number;
  rejectUnauthorized: boolean;
}

export interface EmailSecret {
  password?: string;
}

const MAX_RECIPIENTS = 50;
const DEFAULT_TIMEOUT_MS = 30_000;

/** The Message-ID of a delivery: the same on every retry, so duplicates are recognisable. */
export function messageIdFor(deliveryId: string): string {
  return `<${deliveryId}@netwatch>`;
}

function parseConfig(input: unknown): EmailConfig {
  const r = new Reader('config', input, [
    'host',
    'port',
    'security',
    'from',
    'to',
    'language',
    'username',
    'timeoutMs',
    'rejectUnauthorized',
  ]);
  const host = r.string('host', { required: true, max: 253 });
  if (host !== undefined && !isHostname(host) && isIP(host) === 0)
    r.add('host', `must be a host name or an IP address, got ${JSON.stringify(host)}`);
  const security = r.oneOf('security', EMAIL_SECURITY, 'starttls');
  const port = r.int('port', 1, 65535, security === 'tls' ? 465 : 587);
  const from = r.string('from', { required: true, max: 254 });
  if (from !== undefined && !isEmailAddress(from))
    r.add(
      'from',
      `must be an e-mail address such as netwatch@stttt.gov.vn, got ${JSON.stringify(from)}`,
    );

  const to: string[] = [];
  const rawTo = r.obj.to;
  if (rawTo === undefined || rawTo === null) r.add('to', 'is required');
  else if (!Array.isArray(rawTo) || rawTo.length < 1 || rawTo.length > MAX_RECIPIENTS)
    r.add('to', `must be a list of 1 to ${MAX_RECIPIENTS} e-mail addresses`);
  else {
    const seen = new Set<string>();
    rawTo.forEach((address: unknown, i) => {
      if (typeof address !== 'string' || !isEmailAddress(address))
        r.add(`to[${i}]`, `must be an e-mail address, got ${JSON.stringify(address)}`);
      else if (seen.has(address.toLowerCase())) r.add(`to[${i}]`, `${address} is listed twice`);
      else {
        seen.add(address.toLowerCase());
        to.push(address);
      }
    });
  }
  const language = r.language();
  const username = r.string('username', {
    max: 256,
    // eslint-disable-next-line no-control-regex
    pattern: /^[^\u0000-\u001f\u007f]+$/,
    patternText: 'without control characters',
  });
  if (username !== undefined && security === 'none')
    r.add('username', 'a password is never sent over plain SMTP: use security starttls or tls');
  const timeoutMs = r.int('timeoutMs', 1000, 120_000, DEFAULT_TIMEOUT_MS);
  const rejectUnauthorized = r.bool('rejectUnauthorized', true);
  r.done('e-mail channel config');
  const config: EmailConfig = {
    host: host ?? '',
    port,
    security,
    from: from ?? '',
    to,
    language,
    timeoutMs,
    rejectUnauthorized,
  };
  if (username !== undefined) config.username = username;
  return config;
}

function parseSecret(input: unknown): EmailSecret {
  const r = new Reader('secret', input, ['password'], true);
  const password = r.string('password', { max: 1024 });
  r.done('e-mail channel secret');
  return password === undefined ? {} : { password };
}

/** Connection-level codes after which a later attempt can succeed. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EPROTOCOL',
  'EPROXY',
]);

/** TLS certificate verification failures (Node's codes): a configuration problem, not transient. */
const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|HOSTNAME/;

function failure(
  err: NodemailerError,
  signal: AbortSignal,
  timeout: AbortSignal,
  timeoutMs: number,
  scrub: (text: string) => string,
): DeliveryResult {
  const responseCode = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const code = typeof err.code === 'string' ? err.code : 'ERROR';
  const text = scrub(excerpt(err.message ?? String(err), 300));
  if (code === 'EABORT' || (responseCode === undefined && (signal.aborted || timeout.aborted))) {
    return {
      ok: false,
      retryable: true,
      detail: signal.aborted
        ? 'cancelled before the server accepted the message'
        : `timed out after ${timeoutMs} ms`,
    };
  }
  if (responseCode !== undefined) {
    const permanent = typeof err.permanent === 'boolean' ? err.permanent : responseCode >= 500;
    return {
      ok: false,
      code: responseCode,
      retryable: !permanent,
      detail: `SMTP ${responseCode} (${code}): ${text}`,
    };
  }
  const original = typeof err.originalCode === 'string' ? err.originalCode : '';
  if (CERT_ERROR.test(original) || CERT_ERROR.test(code))
    return {
      ok: false,
      retryable: false,
      detail: `TLS certificate not accepted (${original || code}): ${text}`,
    };
  return {
    ok: false,
    retryable: TRANSIENT_CODES.has(code),
    detail: `${code}${original ? `/${original}` : ''}: ${text}`,
  };
}

async function send(
  message: NotificationMessage,
  config: EmailConfig,
  secret: EmailSecret,
  signal: AbortSignal,
  context: SendContext = {},
): Promise<DeliveryResult> {
  const unusable = unusableMessage(message);
  if (unusable) return unusable;
  if (config.username !== undefined && !secret.password)
    return {
      ok: false,
      retryable: false,
      detail: 'secret.password is required when config.username is set',
    };

  const scrub = scrubber([secret.password]);
  // The outbound rule judges the SMTP server; the connection then goes to the address it judged
  // (the name stays the TLS server name, so the certificate is still checked against it).
  const verdict = await outboundGuard(context.guard).check(config.host, config.port);
  if (verdict.kind === 'refused') return refusedResult(verdict.reason, scrub);
  if (verdict.kind === 'unresolved') {
    const code = (verdict.error as { code?: unknown } | null)?.code;
    return {
      ok: false,
      retryable: true,
      detail: `EDNS${typeof code === 'string' ? `/${code}` : ''}: ${verdict.reason}`,
    };
  }
  const address = verdict.addresses[0].address;
  const report = message.report;
  const { subject, text } = report ?? renderText(message, config.language);
  const html = report ? reportHtml(report) : renderHtml(message, config.language);
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const transport = nodemailer.createTransport({
    host: address,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    auth:
      config.username !== undefined ? { user: config.username, pass: secret.password } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    dnsTimeout: config.timeoutMs,
    socketCloseTimeout: 1000,
    tls: {
      rejectUnauthorized: config.rejectUnauthorized,
      servername: isIP(config.host) === 0 ? config.host : undefined,
      minVersion: 'TLSv1.2',
    },
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail({
      from: { name: 'NetWatch', address: config.from },
      to: report?.to.length ? report.to : config.to,
      subject,
      text,
      html,
      attachments: report?.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
      messageId: messageIdFor(message.deliveryId),
      headers: { 'X-NetWatch-Delivery': message.deliveryId },
      signal: AbortSignal.any([signal, timeout]),
    });
    const response = String(info.response ?? '');
    const code = /^(\d{3})\b/.exec(response)?.[1];
    const rejected = (info.rejected ?? []).map(String);
    return {
      ok: true,
      code: code ? Number(code) : undefined,
      retryable: false,
      detail: scrub(
        `accepted for ${info.accepted.length} recipient(s)` +
          (rejected.length ? `, refused for ${rejected.join(', ')}` : '') +
          `: ${excerpt(response, 200)}`,
      ),
    };
  } catch (err) {
    return failure(err as NodemailerError, signal, timeout, config.timeoutMs, scrub);
  } finally {
    transport.close();
  }
}

/** The HTML part of a report e-mail: its text, escaped. */
function reportHtml(report: NonNullable<NotificationMessage['report']>): string {
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(report.subject)}</title>` +
    `</head><body><pre style="white-space:pre-wrap;font-family:Arial,sans-serif">` +
    `${escapeHtml(report.text)}</pre></body></html>`
  );
}

export const emailDriver: ChannelDriver<EmailConfig, EmailSecret> = {
  kind: 'email',
  parseConfig,
  parseSecret,
  targets: (config): ChannelTarget[] => [
    { field: 'config.host', host: config.host, port: config.port },
  ],
  send,
};
