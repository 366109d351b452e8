import type { NotificationsRpc } from '@kinship/contracts';

export type Channel = 'email' | 'sms';
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** A file an email carries, in the file store (FileStore) until the email is sent. */
export interface MessageAttachment {
  fileKey: string;
  fileName: string;
  contentType: string;
}

/** Headers that thread an email into a conversation; message ids without angle brackets. */
export interface MessageHeaders {
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  replyTo: string | null;
}

/** A row of notifications.messages: one email or SMS to one recipient, rendered when queued. */
export interface MessageRecord {
  id: string;
  workspaceId: string;
  channel: Channel;
  templateKey: string;
  recipientUserId: string | null;
  recipientContactId: string | null;
  campaignId: string | null;
  address: string;
  subject: string | null;
  html: string | null;
  text: string | null;
  attachments: MessageAttachment[];
  headers: MessageHeaders | null;
  status: MessageStatus;
  attempts: number;
  lastError: string | null;
  providerMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  deliveredAt: Date | null;
}

/** On the wire: what was sent to whom and how it went, never the content (it may hold sign-in links). */
export function toMessage(record: MessageRecord): NotificationsRpc.Message {
  return {
    id: record.id,
    channel: record.channel,
    templateKey: record.templateKey,
    recipientUserId: record.recipientUserId,
    recipientContactId: record.recipientContactId,
    address: record.address,
    subject: record.subject,
    status: record.status,
    attempts: record.attempts,
    lastError: record.lastError,
    providerMessageId: record.providerMessageId,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    sentAt: record.sentAt?.toISOString() ?? null,
    failedAt: record.failedAt?.toISOString() ?? null,
    deliveredAt: record.deliveredAt?.toISOString() ?? null,
  };
}
