import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '@kinship/persistence';
import type { WebhookDelivery } from '../src/webhooks/webhook-deliveries.repository.js';
import type { Page } from '../src/webhooks/webhook-endpoints.service.js';
import { WebhookSecrets } from '../src/webhooks/webhook-secrets.js';
import { anEvent, eventually, expectError, publishEvent, startWebhooksBed, userContext, type WebhooksTestBed } from './webhooks-support.js';

describe('outbound webhooks refuse private addresses unless WEBHOOKS_ALLOW_PRIVATE=true', () => {
  let bed: WebhooksTestBed;
  const workspaceId = newId();
  const asAdmin = userContext(workspaceId, newId(), 'admin');

  beforeAll(async () => {
    // WEBHOOKS_ALLOW_PRIVATE keeps its default, false.
    bed = await startWebhooksBed('webhooks-address-guard', { WEBHOOKS_POLL_INTERVAL_MS: '100' });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('refuses an endpoint on a loopback, private, link-local or unresolvable host with 422 naming url', async () => {
    const urls = [
      bed.partner.url('/hook'),
      'http://localhost:8080/hook',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://[::1]:8080/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'https://no-such-host.invalid/hook',
    ];
    for (const url of urls) {
      await expectError(bed.client.send('notifications.webhook-endpoints.create', { url, events: ['deal.won'] }, asAdmin), {
        status: 422,
        code: 'validation_failed',
        field: 'url',
      });
    }
    const listed = await bed.client.send<Page<unknown>>('notifications.webhook-endpoints.list', {}, asAdmin);
    expect(listed.data).toEqual([]);
  });

  it('checks the address again at delivery time, and sends nothing to a host that now resolves inside', async () => {
    // As if the name had resolved to a public address when the endpoint was made, and no longer does.
    const endpointId = newId();
    const secrets = new WebhookSecrets(bed.notifications.config);
    await bed.owner.query(
      `INSERT INTO notifications.webhook_endpoints (id, workspace_id, url, events, secret_sealed, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [endpointId, workspaceId, bed.partner.url('/inside'), ['deal.won'], secrets.seal('whsec_test'), asAdmin.userId],
    );
    await publishEvent(bed, 'crm', anEvent(workspaceId, 'deal.won', { deal: { id: 'deal-1' } }));

    const [delivery] = await eventually(async () => {
      const page = await bed.client.send<Page<WebhookDelivery>>('notifications.webhook-endpoints.deliveries', { id: endpointId }, asAdmin);
      expect(page.data[0]?.attemptCount).toBe(1);
      return page.data;
    });
    expect(delivery).toMatchObject({
      status: 'pending',
      responseStatus: null,
      error: 'refused: the URL must reach a public address, not a private, loopback or link-local one',
    });
    expect(delivery!.nextAttemptAt).not.toBeNull();
    await sleep(300);
    expect(bed.partner.received).toEqual([]);
  });
});
