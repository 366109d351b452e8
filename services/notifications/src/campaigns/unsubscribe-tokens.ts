import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Provider } from '@nestjs/common';
import { InstallationSecrets } from '@kinship/platform';
import { NotificationsConfig } from '../notifications.config.js';
import type { CampaignChannel } from './campaign.record.js';

/** Whom an unsubscribe link opts out, of which channel, from which campaign's message. */
export interface UnsubscribeClaim {
  workspaceId: string;
  contactId: string;
  campaignId: string;
  channel: CampaignChannel;
}

const CHANNELS: CampaignChannel[] = ['email', 'sms'];
const UUID_BYTES = 16;
const PAYLOAD_BYTES = 1 + 3 * UUID_BYTES;
/** HMAC-SHA256 truncated to 128 bits (RFC 2104 allows it): the token must fit one URL path segment the gateway accepts (100 characters). */
const MAC_BYTES = 16;

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Unsubscribe tokens: base64url of [channel, workspace id, contact id, campaign id] (binary, 49
 * bytes) followed by its MAC, 87 characters. They do not expire: a link in an old email must keep
 * working (RFC 8058 expects it to), and using it twice changes nothing.
 */
export class UnsubscribeTokens {
  constructor(private readonly secret: string) {}

  /** Keyed by UNSUBSCRIBE_SECRET when set, else by the installation's own generated key. */
  static readonly provider: Provider = {
    provide: UnsubscribeTokens,
    useFactory: async (config: NotificationsConfig, secrets: InstallationSecrets) =>
      new UnsubscribeTokens(await secrets.obtain('UNSUBSCRIBE_SECRET', config.UNSUBSCRIBE_SECRET)),
    inject: [NotificationsConfig, InstallationSecrets],
  };

  sign(claim: UnsubscribeClaim): string {
    const payload = Buffer.concat([
      Buffer.from([CHANNELS.indexOf(claim.channel)]),
      uuidBytes(claim.workspaceId),
      uuidBytes(claim.contactId),
      uuidBytes(claim.campaignId),
    ]);
    return Buffer.concat([payload, this.mac(payload)]).toString('base64url');
  }

  /** The claim of a token this service signed; null for anything else. */
  verify(token: string): UnsubscribeClaim | null {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    // The last of 87 characters carries 2 unused bits: only the one spelling of the bytes is a token.
    if (bytes.length !== PAYLOAD_BYTES + MAC_BYTES || bytes.toString('base64url') !== token) return null;
    const payload = bytes.subarray(0, PAYLOAD_BYTES);
    if (!timingSafeEqual(bytes.subarray(PAYLOAD_BYTES), this.mac(payload))) return null;
    const channel = CHANNELS[payload[0]!];
    if (!channel) return null;
    const uuidAt = (index: number) => uuidOf(payload.subarray(1 + index * UUID_BYTES, 1 + (index + 1) * UUID_BYTES));
    return { channel, workspaceId: uuidAt(0), contactId: uuidAt(1), campaignId: uuidAt(2) };
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, MAC_BYTES);
  }
}
