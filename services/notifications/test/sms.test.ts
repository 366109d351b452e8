import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NotificationsRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { newId } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import { OutboundMessages } from '../src/delivery/outbound-messages.service.js';
import { startSmsProvider, type SmsProvider } from './sms-support.js';
import { call, eventually, PUBLIC_URL, registerOwner, SEND_ATTEMPTS, startNotifications, type NotificationsTestBed } from './support.js';

describe('SMS through a Twilio-compatible provider', () => {
  let bed: NotificationsTestBed;
  let provider: SmsProvider;
  let workspaceId: string;
  let admin: RequestContext;

  async function queueSms(to: string, text: string): Promise<string> {
    const id = newId();
    await bed.notifications.app.get(DomainEvents).transaction(workspaceId, (manager) =>
      bed.notifications.app.get(OutboundMessages).queueMessage(manager, {
        id,
        workspaceId,
        dedupeKey: `test:${id}`,
        channel: 'sms',
        templateKey: 'task_assigned',
        address: to,
        subject: null,
        html: null,
        text,
      }),
    );
    return id;
  }

  async function message(id: string): Promise<NotificationsRpc.Message | undefined> {
    return (await call<NotificationsRpc.MessagePage>(bed, 'notifications.messages.list', { channel: 'sms' }, admin)).data.find(
      (candidate) => candidate.id === id,
    );
  }

  beforeAll(async () => {
    provider = await startSmsProvider();
    bed = await startNotifications('notifications-sms', {
      SMS_PROVIDER: 'twilio',
      TWILIO_API_BASE: provider.url,
      TWILIO_ACCOUNT_SID: 'AC0123456789',
      TWILIO_AUTH_TOKEN: 'secret-token',
      SMS_FROM: '+15550001111',
    });
    const owner = await registerOwner(bed, 'sms');
    workspaceId = owner.user.workspaceId;
    admin = owner.context;
  });

  afterAll(async () => {
    await bed?.close();
    await provider?.close();
  });

  it('posts the message as a form with basic auth, asking for delivery reports, and keeps the provider’s message id', async () => {
    const id = await queueSms('+15557654321', 'Your task is due tomorrow');
    const sent = await eventually(
      () => message(id),
      (found) => found?.status === 'sent',
    );
    const request = provider.requests.find((candidate) => candidate.form.To === '+15557654321')!;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/2010-04-01/Accounts/AC0123456789/Messages.json',
      authorization: `Basic ${Buffer.from('AC0123456789:secret-token').toString('base64')}`,
      contentType: 'application/x-www-form-urlencoded',
      form: { To: '+15557654321', From: '+15550001111', Body: 'Your task is due tomorrow', StatusCallback: `${PUBLIC_URL}/api/v1/webhooks/sms/status` },
    });
    expect(sent).toMatchObject({ channel: 'sms', address: '+15557654321', attempts: 1, providerMessageId: expect.stringMatching(/^SM/) });
  });

  it(`marks an SMS the provider refuses failed after ${SEND_ATTEMPTS} attempts, with the provider’s reason`, async () => {
    const id = await queueSms('+15557654320', 'Never delivered');
    const failed = await eventually(
      () => message(id),
      (found) => found?.status === 'failed',
    );
    expect(failed).toMatchObject({ attempts: SEND_ATTEMPTS, lastError: expect.stringContaining('code 21211') });
    expect(provider.requests.filter((request) => request.form.To === '+15557654320')).toHaveLength(SEND_ATTEMPTS);
  });
});
