import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUuid } from '@kinship/persistence';
import { NotificationsConfig } from '../notifications.config.js';
import type { CampaignChannel } from './campaign.record.js';

/** Signs unsubscribe links where UNSUBSCRIBE_SECRET is unset, which the config allows outside production only. */
export const DEVELOPMENT_UNSUBSCRIBE_SECRET = 'kinship-development-unsubscribe-secret-not-for-production';

/** Whom an unsubscribe link opts out, of which channel, from which campaign's email. */
export interface UnsubscribeClaim {
  workspaceId: string;
  contactId: string;
  campaignId: string;
  channel: CampaignChannel;
}

interface TokenPayload {
  w: string;
  c: string;
  m: string;
  ch: CampaignChannel;
}

/**
 * Unsubscribe tokens: base64url(JSON payload) "." base64url(HMAC-SHA256 of that part). They do
 * not expire: a link in an old email must keep working (RFC 8058 expects it to), and using it
 * twice changes nothing.
 */
@Injectable()
export class UnsubscribeTokens {
  private readonly secret: string;

  constructor(config: NotificationsConfig) {
    this.secret = config.UNSUBSCRIBE_SECRET ?? DEVELOPMENT_UNSUBSCRIBE_SECRET;
  }

  sign(claim: UnsubscribeClaim): string {
    const payload: TokenPayload = { w: claim.workspaceId, c: claim.contactId, m: claim.campaignId, ch: claim.channel };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The claim of a token this service signed; null for anything else. */
  verify(token: string): UnsubscribeClaim | null {
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0) return null;
    const expected = this.mac(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let payload: Partial<TokenPayload>;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<TokenPayload>;
    } catch {
      return null;
    }
    if (!isUuid(payload.w) || !isUuid(payload.c) || !isUuid(payload.m) || (payload.ch !== 'email' && payload.ch !== 'sms')) return null;
    return { workspaceId: payload.w, contactId: payload.c, campaignId: payload.m, channel: payload.ch };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest();
  }
}
