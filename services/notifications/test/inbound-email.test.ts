import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ATTACHMENT_FILES, type FileStore, type RunningService } from '@kinship/platform';
import { startMailbox, startTestService, type Mailbox } from '@kinship/testing';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { eventually, startCrmStack, type Caller, type CrmStack } from '../../crm/test/support.js';
import { InboundSmtpListener } from '../src/inbound-email/inbound-smtp.listener.js';
import type { NotificationsConfig } from '../src/notifications.config.js';
import { notificationsService } from '../src/notifications.service.js';

const DOMAIN = 'support.kinship.test';
const MAX_BYTES = 200_000;
/** crm's FILES_QUOTA_BYTES for the suite's workspaces: an attachment of 120 kB is over it. */
const QUOTA_BYTES = 100_000;
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082',
  'hex',
);

// Email to ticket end to end: a real SMTP client (nodemailer) talks to notifications' listener;
// crm threads what it emits into tickets, read back through the gateway.
describe('inbound email to tickets', () => {
  let stack: CrmStack;
  let notifications: RunningService<NotificationsConfig>;
  let mailbox: Mailbox;
  let smtp: Transporter;
  let owner: Caller;
  let address: string;

  beforeAll(async () => {
    stack = await startCrmStack('inbound-email', { FILES_QUOTA_BYTES: String(QUOTA_BYTES) });
    mailbox = await startMailbox();
    notifications = await startTestService(notificationsService, stack.environment, {
      SMTP_URL: mailbox.smtpUrl,
      INBOUND_DOMAIN: DOMAIN,
      INBOUND_MAX_BYTES: String(MAX_BYTES),
      SEND_BACKOFF_MS: '100',
    });
    smtp = nodemailer.createTransport({ host: '127.0.0.1', port: notifications.app.get(InboundSmtpListener).port, secure: false, ignoreTLS: true });
    owner = await stack.signUp(`support-${randomBytes(3).toString('hex')}`);
    const slug = await eventually(async () => {
      const rows: Array<{ slug: string }> = await stack.owner.query('SELECT slug FROM notifications.inbound_mailboxes WHERE workspace_id = $1', [
        owner.workspaceId,
      ]);
      return rows[0]?.slug;
    });
    expect(slug).toMatch(/^support-[0-9a-f]{6}-workspace$/);
    address = `support+${slug}@${DOMAIN}`;
  }, 120_000);

  afterAll(async () => {
    smtp?.close();
    await notifications?.close();
    await mailbox?.close();
    await stack?.close();
  });

  function customer(label: string): string {
    return `${label}-${randomBytes(4).toString('hex')}@customer.test`;
  }

  async function contactOf(email: string): Promise<{ id: string; firstName: string | null; lastName: string | null; leadSource: string | null } | undefined> {
    const rows: Array<{ id: string; firstName: string | null; lastName: string | null; leadSource: string | null }> = await stack.owner.query(
      `SELECT id, first_name AS "firstName", last_name AS "lastName", lead_source AS "leadSource" FROM crm.contacts WHERE workspace_id = $1 AND email = $2`,
      [owner.workspaceId, email],
    );
    return rows[0];
  }

  async function ticketsOf(contactId: string): Promise<any[]> {
    const response = await owner.get(`/tickets?contactId=${contactId}`);
    expect(response.status).toBe(200);
    return response.body.data;
  }

  async function comments(ticketId: string): Promise<any[]> {
    const response = await owner.get(`/tickets/${ticketId}/comments`);
    expect(response.status).toBe(200);
    return response.body.data;
  }

  async function inboundRows(messageId: string): Promise<Array<{ outcome: string }>> {
    return stack.owner.query('SELECT outcome FROM notifications.inbound_emails WHERE workspace_id = $1 AND message_id = $2', [owner.workspaceId, messageId]);
  }

  async function counts(): Promise<{ inbound: number; tickets: number; contacts: number }> {
    const [row] = await stack.owner.query(
      `SELECT (SELECT count(*)::int FROM notifications.inbound_emails WHERE workspace_id = $1) AS inbound,
              (SELECT count(*)::int FROM crm.tickets WHERE workspace_id = $1) AS tickets,
              (SELECT count(*)::int FROM crm.contacts WHERE workspace_id = $1) AS contacts`,
      [owner.workspaceId],
    );
    return row;
  }

  async function send(options: SendMailOptions): Promise<void> {
    await smtp.sendMail({ to: address, ...options });
  }

  /** The SMTP reply code a refused send got. */
  async function refusal(options: SendMailOptions): Promise<number | undefined> {
    const error = await smtp.sendMail(options).then(
      () => undefined,
      (failure: { responseCode?: number }) => failure,
    );
    expect(error).toBeDefined();
    return error!.responseCode;
  }

  /** GET /files/:id: status, content type and bytes. */
  async function download(fileId: string): Promise<{ status: number; contentType: string | null; bytes: Buffer }> {
    const response = await fetch(`${stack.api}/files/${fileId}`, { headers: { authorization: `Bearer ${owner.token}` } });
    return { status: response.status, contentType: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  }

  async function attachmentStore(): Promise<FileStore> {
    return notifications.app.get<FileStore>(ATTACHMENT_FILES);
  }

  it('opens a ticket for a new thread: the sender becomes a contact, the email the first comment, its files the ticket’s', async () => {
    const from = customer('ada');
    const messageId = `<first-${randomBytes(4).toString('hex')}@customer.test>`;
    await send({
      from: `Ada Lovelace <${from}>`,
      subject: 'Printer on fire',
      text: 'It smokes.\nPlease help.',
      messageId,
      // The declared type and name say text; the bytes are a PNG, and that is what is kept.
      attachments: [{ filename: '../photo.txt', content: PNG, contentType: 'text/plain' }],
    });

    const contact = await eventually(() => contactOf(from));
    expect(contact).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', leadSource: 'email' });
    const [ticket] = await eventually(async () => ((await ticketsOf(contact.id)).length > 0 ? ticketsOf(contact.id) : undefined));
    expect(ticket).toMatchObject({
      subject: 'Printer on fire',
      description: 'It smokes.\nPlease help.',
      channel: 'email',
      status: 'new',
      contactId: contact.id,
      createdBy: null,
    });
    expect(ticket.number).toEqual(expect.any(Number));
    const [first] = await comments(ticket.id);
    expect(first).toMatchObject({ author: 'customer', internal: false, body: 'It smokes.\nPlease help.', authorId: null });
    expect(first.attachments).toEqual([
      {
        fileKey: expect.stringMatching(/^inbound-email\//),
        fileId: expect.any(String),
        name: 'photo.txt',
        contentType: 'image/png',
        size: PNG.length,
        refused: null,
      },
    ]);
    const { fileId } = first.attachments[0];

    // A file of the ticket like an upload: listed on it, downloadable, counted in the quota.
    const files = await owner.get(`/tickets/${ticket.id}/files`);
    expect(files.status).toBe(200);
    expect(files.body.data).toEqual([
      expect.objectContaining({
        id: fileId,
        name: 'photo.txt',
        contentType: 'image/png',
        size: PNG.length,
        createdBy: null,
        attachedTo: [{ type: 'ticket', id: ticket.id }],
      }),
    ]);
    const downloaded = await download(fileId);
    expect(downloaded).toMatchObject({ status: 200, contentType: 'image/png' });
    expect(downloaded.bytes.equals(PNG)).toBe(true);
    expect((await owner.get('/files/usage')).body).toMatchObject({ used: PNG.length, files: 1, quota: QUOTA_BYTES });
    expect(await inboundRows(messageId.slice(1, -1))).toEqual([{ outcome: 'received' }]);
  }, 60_000);

  it('threads an email whose file is over the workspace’s storage quota, refusing that file with the reason and keeping the others', async () => {
    const from = customer('big');
    const big = randomBytes(120_000);
    const usage = (await owner.get('/files/usage')).body;
    await send({
      from,
      subject: 'Logs attached',
      text: 'Both files.',
      attachments: [
        { filename: 'big.bin', content: big },
        { filename: 'note.txt', content: 'small enough' },
      ],
    });
    const contact = await eventually(() => contactOf(from));
    const [ticket] = await eventually(async () => ((await ticketsOf(contact.id)).length > 0 ? ticketsOf(contact.id) : undefined));
    const [comment] = await comments(ticket.id);
    expect(comment.body).toBe('Both files.');
    expect(comment.attachments).toEqual([
      {
        fileKey: expect.any(String),
        fileId: null,
        name: 'big.bin',
        contentType: 'application/octet-stream',
        size: big.length,
        refused: expect.stringMatching(/storage quota has \d+ bytes left; this file has 120000/),
      },
      { fileKey: expect.any(String), fileId: expect.any(String), name: 'note.txt', contentType: 'text/plain; charset=utf-8', size: 12, refused: null },
    ]);
    const files = await owner.get(`/tickets/${ticket.id}/files`);
    expect(files.body.data.map((file: { id: string }) => file.id)).toEqual([comment.attachments[1].fileId]);
    // The refused file's bytes are gone; the quota counts the kept one only.
    expect(await (await attachmentStore()).info(comment.attachments[0].fileKey)).toBeNull();
    expect(await (await attachmentStore()).info(comment.attachments[1].fileKey)).not.toBeNull();
    expect((await owner.get('/files/usage')).body).toMatchObject({ used: usage.used + 12, files: usage.files + 1 });
  }, 60_000);

  it('threads replies by In-Reply-To or by the ticket token, and only the first email opens a ticket; an agent reply goes out threaded', async () => {
    const from = customer('grace');
    const firstId = `first-${randomBytes(4).toString('hex')}@customer.test`;
    await send({ from: `Grace <${from}>`, subject: 'Cannot log in', text: 'Locked out.', messageId: `<${firstId}>` });
    const contact = await eventually(() => contactOf(from));
    const [ticket] = await eventually(async () => ((await ticketsOf(contact.id)).length > 0 ? ticketsOf(contact.id) : undefined));

    // The same email delivered twice is one comment.
    await send({
      from,
      subject: 'Re: Cannot log in',
      text: 'Still locked out.',
      inReplyTo: `<${firstId}>`,
      references: [`<${firstId}>`],
      messageId: `<second-${firstId}>`,
    });
    await send({
      from,
      subject: 'Re: Cannot log in',
      text: 'Still locked out.',
      inReplyTo: `<${firstId}>`,
      references: [`<${firstId}>`],
      messageId: `<second-${firstId}>`,
    });
    await send({ from, subject: `Any news? [#T-${ticket.number}]`, text: 'Hello?', messageId: `<third-${firstId}>` });
    const thread = await eventually(async () => ((await comments(ticket.id)).length >= 3 ? comments(ticket.id) : undefined));
    expect(thread.map((comment) => comment.body)).toEqual(['Locked out.', 'Still locked out.', 'Hello?']);
    expect(await ticketsOf(contact.id)).toHaveLength(1);

    // Someone else's email with this ticket's token names no ticket of theirs: it opens one.
    const stranger = customer('mallory');
    await send({ from: stranger, subject: `Re: [#T-${ticket.number}]`, text: 'Let me in.' });
    const strangerContact = await eventually(() => contactOf(stranger));
    await eventually(async () => (await ticketsOf(strangerContact.id)).length === 1);
    expect(await comments(ticket.id)).toHaveLength(3);

    // The agent answers in public: the customer gets an email threaded into their conversation.
    const internal = await owner.post(`/tickets/${ticket.id}/comments`, { body: 'Check the audit log first.', internal: true });
    expect(internal.status).toBe(201);
    const reply = await owner.post(`/tickets/${ticket.id}/comments`, { body: 'Your account is unlocked.' });
    expect(reply.status).toBe(201);
    const [sent] = await mailbox.waitForMessages(1, { to: from, timeoutMs: 20_000 });
    expect(sent).toMatchObject({
      subject: `Re: Cannot log in [#T-${ticket.number}]`,
      text: expect.stringContaining('Your account is unlocked.'),
      messageId: `<ticket-comment-${reply.body.id}@${DOMAIN}>`,
    });
    expect(sent!.headers['in-reply-to']).toBe(`<third-${firstId}>`);
    expect(sent!.headers.references).toBe(`<${firstId}> <second-${firstId}> <third-${firstId}>`);
    expect(sent!.headers['reply-to']).toBe(address);
    expect(mailbox.messages().filter((mail) => mail.to.includes(from))).toHaveLength(1);

    // The customer's answer to that email comes back to the same ticket, which opens again.
    await send({ from, subject: sent!.subject, text: 'Thanks!', inReplyTo: sent!.messageId!, references: [`<${firstId}>`, sent!.messageId!] });
    await eventually(async () => (await comments(ticket.id)).some((comment) => comment.body === 'Thanks!'));
    expect(await ticketsOf(contact.id)).toHaveLength(1);
  }, 90_000);

  it('matches a known contact by email, whatever its case', async () => {
    const email = customer('known');
    const created = await owner.post('/contacts', { firstName: 'Known', email });
    expect(created.status).toBe(201);
    await send({ from: `Someone Else <${email.toUpperCase()}>`, subject: 'Hello from a known contact', text: 'Hi' });
    const [ticket] = await eventually(async () => ((await ticketsOf(created.body.id)).length > 0 ? ticketsOf(created.body.id) : undefined));
    expect(ticket.subject).toBe('Hello from a known contact');
    const rows: unknown[] = await stack.owner.query('SELECT 1 FROM crm.contacts WHERE workspace_id = $1 AND lower(email) = $2', [owner.workspaceId, email]);
    expect(rows).toHaveLength(1);
  }, 60_000);

  it('never opens a ticket for auto-replies, bulk mail, bounces or our own mail: accepted, recorded and dropped', async () => {
    const from = customer('robot');
    const before = await counts();
    const id = () => `${randomBytes(6).toString('hex')}@customer.test`;
    const autoReply = id();
    const bulk = id();
    const ownMail = id();
    const dsn = id();
    const nullSender = id();
    await send({ from, subject: 'Out of office', text: 'Away', messageId: `<${autoReply}>`, headers: { 'Auto-Submitted': 'auto-replied' } });
    await send({ from, subject: 'Newsletter', text: 'News', messageId: `<${bulk}>`, headers: { Precedence: 'bulk' } });
    await send({ from: `support+other@${DOMAIN}`, subject: 'Re: a reply of ours', text: 'Loop', messageId: `<${ownMail}>` });
    const report = [
      `From: MAILER-DAEMON <postmaster@customer.test>`,
      `To: ${address}`,
      `Subject: Undelivered Mail Returned to Sender`,
      `Message-ID: <${dsn}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Delivery failed.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Status: 5.1.1',
      '--b1--',
      '',
    ].join('\r\n');
    await smtp.sendMail({ envelope: { from: 'postmaster@customer.test', to: [address] }, raw: report });
    await smtp.sendMail({
      envelope: { from: '', to: [address] },
      raw: `From: ${from}\r\nTo: ${address}\r\nSubject: Bounce\r\nMessage-ID: <${nullSender}>\r\n\r\nReturned.\r\n`,
    });

    expect(await inboundRows(autoReply)).toEqual([{ outcome: 'auto_reply' }]);
    expect(await inboundRows(bulk)).toEqual([{ outcome: 'bulk' }]);
    expect(await inboundRows(ownMail)).toEqual([{ outcome: 'loop' }]);
    expect(await inboundRows(dsn)).toEqual([{ outcome: 'bounce' }]);
    expect(await inboundRows(nullSender)).toEqual([{ outcome: 'bounce' }]);
    const after = await counts();
    expect(after).toEqual({ inbound: before.inbound + 5, tickets: before.tickets, contacts: before.contacts });
    expect(await contactOf(from)).toBeUndefined();
  }, 60_000);

  it('refuses mail without From, oversized mail, malformed MIME and unknown addresses, writing nothing', async () => {
    const before = await counts();
    const from = customer('bad');
    expect(await refusal({ envelope: { from, to: [address] }, raw: `To: ${address}\r\nSubject: Who am I\r\n\r\nNo From header.\r\n` })).toBe(550);
    expect(
      await refusal({ from, to: address, subject: 'Huge', text: 'See attached', attachments: [{ filename: 'big.bin', content: randomBytes(MAX_BYTES) }] }),
    ).toBe(552);
    const malformed = `From: ${from}\r\nTo: ${address}\r\nSubject: Broken\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n`;
    expect(await refusal({ envelope: { from, to: [address] }, raw: malformed })).toBe(554);
    expect(await refusal({ from, to: `support+no-such-workspace@${DOMAIN}`, subject: 'Anyone?', text: 'Hello' })).toBe(550);
    expect(await refusal({ from, to: `someone@${DOMAIN}`, subject: 'Anyone?', text: 'Hello' })).toBe(550);
    expect(await refusal({ from, to: `support+x@elsewhere.test`, subject: 'Anyone?', text: 'Hello' })).toBe(550);
    expect(await counts()).toEqual(before);
    expect(await contactOf(from)).toBeUndefined();
  }, 60_000);

  // Last: it removes the attachments' bucket.
  it('answers 451 when the file store is down, leaving nothing behind', async () => {
    const before = await counts();
    const from = customer('later');
    await (await attachmentStore()).destroy();
    expect(await refusal({ from, to: address, subject: 'Try again', text: 'With a file', attachments: [{ filename: 'a.txt', content: 'a' }] })).toBe(451);
    expect(await counts()).toEqual(before);
    expect(await contactOf(from)).toBeUndefined();
  }, 60_000);
});
