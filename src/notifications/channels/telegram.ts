import type {
  ChannelDriver,
  ChannelTarget,
  DeliveryResult,
  Language,
  NotificationMessage,
  SendContext,
} from '../notification.types';
import { renderText, truncate } from '../templates';
import {
  excerpt,
  post,
  retryableStatus,
  scrubber,
  statusFailure,
  reportRefused,
  unusableMessage,
} from './delivery';
import { readHttpUrl, Reader, urlTarget } from './validation';

export interface TelegramConfig {
  /** Numeric chat id ("-1001234567890") or a public channel's "@username". */
  chatId: string;
  /** Bot API server, without a trailing slash. */
  apiBase: string;
  language: Language;
  timeoutMs: number;
}

export interface TelegramSecret {
  botToken: string;
}

export const TELEGRAM_API_BASE = 'https://api.telegram.org';
/** sendMessage takes at most 4096 characters of text. */
export const TELEGRAM_TEXT_MAX = 4096;
const DEFAULT_TIMEOUT_MS = 10_000;
const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;

function parseConfig(input: unknown): TelegramConfig {
  const r = new Reader('config', input, ['chatId', 'apiBase', 'language', 'timeoutMs']);
  const chatId = r.string('chatId', {
    required: true,
    max: 64,
    pattern: /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/,
    patternText:
      'a numeric chat id such as "-1001234567890" or a channel such as "@netwatch_alerts"',
  });
  const apiBase = readHttpUrl(r, 'apiBase', {
    required: false,
    fallback: TELEGRAM_API_BASE,
    httpOnlyLoopback: true,
  });
  if (apiBase && apiBase.search) r.add('apiBase', 'must not have a query string');
  const language = r.language();
  const timeoutMs = r.int('timeoutMs', 1000, 60_000, DEFAULT_TIMEOUT_MS);
  r.done('Telegram channel config');
  return {
    chatId: chatId ?? '',
    apiBase: (apiBase?.href ?? TELEGRAM_API_BASE).replace(/\/+$/, ''),
    language,
    timeoutMs,
  };
}

function parseSecret(input: unknown): TelegramSecret {
  const r = new Reader('secret', input, ['botToken']);
  const botToken = r.string('botToken', {
    required: true,
    max: 256,
    pattern: BOT_TOKEN,
    patternText:
      'a bot token as given by @BotFather ("<digits>:<20 or more letters, digits, _ or ->")',
  });
  r.done('Telegram channel secret');
  return { botToken: botToken ?? '' };
}

interface TelegramAnswer {
  ok?: unknown;
  description?: unknown;
  result?: { message_id?: unknown };
  parameters?: { retry_after?: unknown };
}

function parseAnswer(body: string): TelegramAnswer | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as TelegramAnswer) : null;
  } catch {
    return null;
  }
}

async function send(
  message: NotificationMessage,
  config: TelegramConfig,
  secret: TelegramSecret,
  signal: AbortSignal,
  context: SendContext = {},
): Promise<DeliveryResult> {
  const unusable = reportRefused(message) ?? unusableMessage(message);
  if (unusable) return unusable;
  if (!BOT_TOKEN.test(secret.botToken ?? ''))
    return { ok: false, retryable: false, detail: 'secret.botToken is not a bot token' };
  // The token is part of the URL: nothing derived from the URL or the answer may reach detail unscrubbed.
  const scrub = scrubber([secret.botToken, `bot${secret.botToken}`]);
  const { text } = renderText(message, config.language);
  const headers = new Headers({
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': 'NetWatch',
  });
  const outcome = await post({
    url: `${config.apiBase}/bot${secret.botToken}/sendMessage`,
    headers,
    body: JSON.stringify({
      chat_id: config.chatId,
      text: truncate(text, TELEGRAM_TEXT_MAX),
      disable_web_page_preview: true,
    }),
    timeoutMs: config.timeoutMs,
    signal,
    scrub,
    guard: context.guard,
  });
  if (outcome.kind === 'failed') return outcome.result;
  const { response } = outcome;
  const answer = parseAnswer(response.body);
  const description =
    typeof answer?.description === 'string' ? scrub(excerpt(answer.description)) : '';
  if (response.status >= 200 && response.status <= 299) {
    if (answer?.ok === true) {
      const id = answer.result?.message_id;
      return {
        ok: true,
        code: response.status,
        retryable: false,
        detail: typeof id === 'number' ? `sent (message_id ${id})` : 'sent',
      };
    }
    return {
      ok: false,
      code: response.status,
      retryable: false,
      detail: `Telegram did not confirm the message${description ? `: ${description}` : ''}`,
    };
  }
  if (response.status >= 300 && response.status <= 399)
    return statusFailure(response, 'Telegram', '');
  const retryAfter = answer?.parameters?.retry_after;
  const wait = typeof retryAfter === 'number' ? ` (retry after ${retryAfter} s)` : '';
  return {
    ok: false,
    code: response.status,
    retryable: retryableStatus(response.status),
    detail: `Telegram answered ${response.status}${description ? `: ${description}` : ''}${wait}`,
  };
}

export const telegramDriver: ChannelDriver<TelegramConfig, TelegramSecret> = {
  kind: 'telegram',
  parseConfig,
  parseSecret,
  targets: (config): ChannelTarget[] => [urlTarget('config.apiBase', config.apiBase)],
  send,
};
