import { randomUUID } from 'node:crypto';
import { convert } from 'html-to-text';
import { uploadedFileName } from '@kinship/platform';
import type { AddressObject, ParsedMail } from 'mailparser';

/** What becomes of an accepted email: `received` emits email.received; the others are recorded and dropped. */
export type InboundOutcome = 'received' | 'auto_reply' | 'bounce' | 'bulk' | 'loop';

export const TEXT_MAX = 100_000;
const SUBJECT_MAX = 300;
const REFERENCES_MAX = 50;

/** A refusal the listener answers with an SMTP code (5xx: the sender must not try again as is). */
export class MailRefused extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The parts of a parsed email crm needs, and what to do with it. */
export interface InboundMail {
  outcome: InboundOutcome;
  messageId: string;
  fromAddress: string;
  fromName: string | null;
  subject: string;
  text: string;
  /** In-Reply-To, then References from the nearest, without angle brackets. */
  references: string[];
  attachments: Array<{ fileName: string; contentType: string; content: Buffer }>;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

function header(parsed: ParsedMail, name: string): string {
  const value = parsed.headers.get(name);
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value.trim().toLowerCase();
  return '';
}

function firstSender(from: AddressObject | undefined): { address: string; name: string | null } | null {
  const sender = from?.value.find((entry) => entry.address && ADDRESS.test(entry.address));
  return sender ? { address: sender.address!.toLowerCase(), name: sender.name?.trim() || null } : null;
}

function bare(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}

/** Message ids in a header value such as `<a@x> <b@y>`. */
function ids(value: string | string[] | undefined): string[] {
  const all = Array.isArray(value) ? value : value ? [value] : [];
  return all
    .flatMap((entry) => entry.match(/<[^<>\s]+>/g) ?? (entry.trim() ? [entry] : []))
    .map(bare)
    .filter(Boolean);
}

/**
 * Why an email must never open a ticket or be answered, or null for a person's email:
 * a bounce or delivery report (multipart/report, or the empty envelope sender of RFC 5321),
 * an auto-reply (RFC 3834 Auto-Submitted, or the X-Autoreply family), bulk or list mail
 * (Precedence), or mail that comes from our own addresses (a loop).
 */
function automatic(parsed: ParsedMail, envelopeFrom: string, fromAddress: string, ownAddresses: { domain: string; mailFrom: string }): InboundOutcome | null {
  const contentType = header(parsed, 'content-type');
  if (contentType.startsWith('multipart/report') || envelopeFrom === '') return 'bounce';
  const autoSubmitted = header(parsed, 'auto-submitted');
  if (
    (autoSubmitted && autoSubmitted !== 'no') ||
    header(parsed, 'x-autoreply') ||
    header(parsed, 'x-autorespond') ||
    header(parsed, 'x-auto-response-suppress').includes('all')
  ) {
    return 'auto_reply';
  }
  if (['bulk', 'junk', 'list'].includes(header(parsed, 'precedence'))) return 'bulk';
  if (fromAddress.endsWith(`@${ownAddresses.domain}`) || fromAddress === ownAddresses.mailFrom) return 'loop';
  return null;
}

/** The address inside MAIL_FROM (`Kinship <no-reply@x>` → no-reply@x). */
export function addressOf(mailbox: string): string {
  return (/<([^<>]+)>/.exec(mailbox)?.[1] ?? mailbox).trim().toLowerCase();
}

/**
 * Reads a parsed email: refuses one without a usable From (550) or whose MIME structure is broken
 * (a multipart without its boundary: 554), and classifies the rest.
 */
export function readInboundMail(parsed: ParsedMail, envelopeFrom: string, ownAddresses: { domain: string; mailFrom: string }): InboundMail {
  const sender = firstSender(parsed.from);
  if (!sender) throw new MailRefused(550, '5.1.7 The message has no valid From address');
  const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (contentType?.value?.toLowerCase().startsWith('multipart/') && !contentType.params?.boundary) {
    throw new MailRefused(554, '5.6.0 Malformed MIME: a multipart message without a boundary');
  }
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const text = (parsed.text?.trim() ? parsed.text : convert(html, { wordwrap: false })).trim().slice(0, TEXT_MAX);
  return {
    outcome: automatic(parsed, envelopeFrom, sender.address, ownAddresses) ?? 'received',
    messageId: parsed.messageId ? bare(parsed.messageId) : `${randomUUID()}@generated.${ownAddresses.domain}`,
    fromAddress: sender.address,
    fromName: sender.name,
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, SUBJECT_MAX) || '(no subject)',
    text: text || '(no text)',
    references: [...new Set([...ids(parsed.inReplyTo), ...ids(parsed.references).reverse()])].slice(0, REFERENCES_MAX),
    attachments: parsed.attachments
      .filter((attachment) => !attachment.related)
      .map((attachment, index) => ({
        fileName: attachment.filename ? uploadedFileName(attachment.filename) : `attachment-${index + 1}`,
        contentType: attachment.contentType || 'application/octet-stream',
        content: attachment.content,
      })),
  };
}
