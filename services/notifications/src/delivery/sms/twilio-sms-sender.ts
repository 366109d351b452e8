import { Injectable } from '@nestjs/common';
import { NotificationsConfig } from '../../notifications.config.js';
import { SmsSender } from './sms-sender.js';

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * SMS_PROVIDER=twilio: Twilio's Messages API, or any provider that speaks it
 * (TWILIO_API_BASE): a form POST with basic auth, answered with the message's `sid`.
 */
@Injectable()
export class TwilioSmsSender extends SmsSender {
  constructor(private readonly config: NotificationsConfig) {
    super();
  }

  async send(to: string, body: string): Promise<string> {
    const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, SMS_FROM: from } = this.config;
    const url = `${this.config.TWILIO_API_BASE.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid!)}/Messages.json`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      // The provider reports each message's delivery to Kinship's public webhook (docs/notifications.md, "Delivery reports").
      body: new URLSearchParams({
        To: to,
        From: from!,
        Body: body,
        StatusCallback: `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/api/v1/webhooks/sms/status`,
      }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const reply = (await response.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (!response.ok || typeof reply.sid !== 'string') {
      throw new Error(`SMS provider answered ${response.status}${reply.code ? ` (code ${reply.code})` : ''}: ${reply.message ?? 'no message id'}`);
    }
    return reply.sid;
  }
}
