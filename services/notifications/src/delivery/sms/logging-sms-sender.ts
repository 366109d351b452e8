import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@kinship/observability';
import { newId } from '@kinship/persistence';
import { LOGGER } from '@kinship/platform';
import { SmsSender } from './sms-sender.js';

/** SMS_PROVIDER=log (the default): writes each SMS to the log instead of sending it, for development. */
@Injectable()
export class LoggingSmsSender extends SmsSender {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {
    super();
  }

  async send(to: string, body: string): Promise<string> {
    const id = `log-${newId()}`;
    this.logger.info({ smsId: id, to, body }, 'SMS not sent (SMS_PROVIDER=log)');
    return id;
  }
}
