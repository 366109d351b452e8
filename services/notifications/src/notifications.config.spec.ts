import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@kinship/config';
import { NotificationsConfig } from './notifications.config.js';

const WEBHOOKS_SECRET_KEY = 'a-webhooks-key-of-at-least-32-characters';

describe('notifications configuration', () => {
  it('defaults to the local mail sink, the logging SMS provider and five attempts', () => {
    const config = loadConfig('notifications', NotificationsConfig, { WEBHOOKS_SECRET_KEY });
    expect(config).toMatchObject({ SMTP_URL: 'smtp://127.0.0.1:1025', SMS_PROVIDER: 'log', SEND_ATTEMPTS: 5, PUBLIC_URL: 'http://localhost:3000' });
  });

  it('refuses to start without WEBHOOKS_SECRET_KEY, which has no default, naming it', () => {
    expect(() => loadConfig('notifications', NotificationsConfig, {})).toThrow(/NOTIFICATIONS_WEBHOOKS_SECRET_KEY \(or WEBHOOKS_SECRET_KEY\): must be set/);
  });

  it('leaves UNSUBSCRIBE_SECRET unset (the installation’s own key is used) and refuses a short one', () => {
    expect(loadConfig('notifications', NotificationsConfig, { WEBHOOKS_SECRET_KEY }).UNSUBSCRIBE_SECRET).toBeUndefined();
    expect(() => loadConfig('notifications', NotificationsConfig, { WEBHOOKS_SECRET_KEY, UNSUBSCRIBE_SECRET: 'short' })).toThrow(
      /UNSUBSCRIBE_SECRET: must be at least 32 characters/,
    );
  });

  it('refuses the Twilio provider without its account, naming what is missing', () => {
    expect(() => loadConfig('notifications', NotificationsConfig, { SMS_PROVIDER: 'twilio' })).toThrow(/TWILIO_ACCOUNT_SID/);
  });

  it('refuses an SMTP_URL that is not one', () => {
    expect(() => loadConfig('notifications', NotificationsConfig, { SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
  });
});
