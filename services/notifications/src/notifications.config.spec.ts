import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@kinship/config';
import { NotificationsConfig } from './notifications.config.js';

describe('notifications configuration', () => {
  it('defaults to the local mail sink, the logging SMS provider and five attempts', () => {
    const config = loadConfig('notifications', NotificationsConfig, {});
    expect(config).toMatchObject({ SMTP_URL: 'smtp://127.0.0.1:1025', SMS_PROVIDER: 'log', SEND_ATTEMPTS: 5, PUBLIC_URL: 'http://localhost:3000' });
  });

  it('refuses the Twilio provider without its account, naming what is missing', () => {
    expect(() => loadConfig('notifications', NotificationsConfig, { SMS_PROVIDER: 'twilio' })).toThrow(/TWILIO_ACCOUNT_SID/);
  });

  it('refuses an SMTP_URL that is not one', () => {
    expect(() => loadConfig('notifications', NotificationsConfig, { SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
  });
});
