import { ValidationError } from '../../common/errors';
import { CHANNEL_KINDS, type ChannelDriver, type ChannelKind } from '../notification.types';
import { emailDriver } from './email';
import { telegramDriver } from './telegram';
import { webhookDriver } from './webhook';

/** One driver per channel kind. */
export const CHANNEL_DRIVERS: Readonly<Record<ChannelKind, ChannelDriver>> = {
  webhook: webhookDriver,
  email: emailDriver,
  telegram: telegramDriver,
};

/** The driver of a channel kind; a ValidationError naming `kind` for anything else. */
export function driverFor(kind: string): ChannelDriver {
  if (!(CHANNEL_KINDS as readonly string[]).includes(kind))
    throw new ValidationError(`unknown channel kind ${JSON.stringify(kind)}`, [
      { field: 'kind', message: `must be one of ${CHANNEL_KINDS.join(', ')}` },
    ]);
  return CHANNEL_DRIVERS[kind as ChannelKind];
}

export { emailDriver, messageIdFor, type EmailConfig, type EmailSecret } from './email';
export { telegramDriver, type TelegramConfig, type TelegramSecret } from './telegram';
export {
  signWebhook,
  verifyWebhookSignature,
  webhookDriver,
  type WebhookConfig,
  type WebhookSecret,
} from './webhook';
