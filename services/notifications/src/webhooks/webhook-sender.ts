import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { NotificationsConfig } from '../notifications.config.js';
import { RefusedAddress, resolveDeliveryAddress, type ResolvedAddress } from './public-address.js';
import type { AttemptOutcome } from './webhook-deliveries.repository.js';
import { signatureHeader } from './webhook-secrets.js';

/** The start of a partner's answer kept in the log; the rest is read and dropped. */
const RESPONSE_EXCERPT_BYTES = 1024;
export const WEBHOOK_USER_AGENT = 'Kinship-Webhooks/1.0 (+https://github.com/kinship-crm/kinship)';

export interface OutgoingDelivery {
  url: string;
  secret: string;
  body: string;
  eventId: string;
  eventType: string;
  deliveryId: string;
  attempt: number;
}

/** Connects to the address checked beforehand, whatever the name resolves to by now. */
function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
}

function excerpt(chunks: Buffer[]): string {
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

/**
 * Makes one attempt: POSTs the signed body to the endpoint and reports what happened. Never
 * throws: a refused address, a connection error, a timeout or a non-2xx answer is a failed
 * attempt with its reason. Redirects are not followed (a 3xx is a failure), so a partner cannot
 * bounce a delivery to an address the check refused.
 */
@Injectable()
export class WebhookSender {
  private readonly allowPrivate: boolean;
  private readonly timeoutMs: number;

  constructor(config: NotificationsConfig) {
    this.allowPrivate = config.WEBHOOKS_ALLOW_PRIVATE === 'true';
    this.timeoutMs = config.WEBHOOKS_TIMEOUT_MS;
  }

  async send(delivery: OutgoingDelivery): Promise<AttemptOutcome> {
    const startedAt = new Date();
    const outcome = (responseStatus: number | null, responseBody: string | null, error: string | null): AttemptOutcome => ({
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      responseStatus,
      responseBody,
      error,
    });
    const url = new URL(delivery.url);
    let target: ResolvedAddress;
    try {
      target = await resolveDeliveryAddress(url, this.allowPrivate);
    } catch (error) {
      return outcome(null, null, error instanceof RefusedAddress ? `refused: the URL ${error.issue}` : String(error));
    }
    try {
      const response = await this.post(url, target, delivery);
      const ok = response.status >= 200 && response.status < 300;
      return outcome(response.status, response.body, ok ? null : `the endpoint answered ${response.status}`);
    } catch (error) {
      return outcome(null, null, error instanceof Error ? error.message : String(error));
    }
  }

  private post(url: URL, target: ResolvedAddress, delivery: OutgoingDelivery): Promise<{ status: number; body: string }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const options: RequestOptions = {
      method: 'POST',
      lookup: pinnedLookup(target),
      timeout: this.timeoutMs,
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(delivery.body),
        'User-Agent': WEBHOOK_USER_AGENT,
        'Kinship-Signature': signatureHeader(delivery.secret, delivery.body, timestamp),
        'Kinship-Event-Id': delivery.eventId,
        'Kinship-Event-Type': delivery.eventType,
        'Kinship-Delivery-Id': delivery.deliveryId,
        'Kinship-Delivery-Attempt': String(delivery.attempt),
      },
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(url, options, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
          kept += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: excerpt(chunks) }));
        response.on('error', reject);
      });
      // The whole exchange, not only each socket wait, must finish within the timeout.
      const deadline = setTimeout(() => request.destroy(new Error(`no complete answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.on('close', () => clearTimeout(deadline));
      request.on('error', reject);
      request.end(delivery.body);
    });
  }
}
