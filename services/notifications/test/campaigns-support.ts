import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { RunningService } from '@kinship/platform';
import { ignoreDroppedConnections, startTestService } from '@kinship/testing';
import { startCrmStack, type Caller, type CrmStack } from '../../crm/test/support.js';
import type { NotificationsConfig } from '../src/notifications.config.js';
import { notificationsService } from '../src/notifications.service.js';

/** One message an SMTP capture accepted: its envelope recipient and raw source, parsed on demand. */
export interface CapturedMail {
  to: string;
  raw: Buffer;
  receivedAt: number;
}

export interface SmtpCapture {
  smtpUrl: string;
  mails: CapturedMail[];
  to(address: string): CapturedMail[];
  clear(): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server keeping raw messages (headers included) without parsing them on arrival,
 * so it keeps up with a campaign of thousands; tests parse the few they look at with mailparser.
 */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        for (const address of session.envelope.rcptTo) mails.push({ to: address.address.toLowerCase(), raw, receivedAt: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  ignoreDroppedConnections(server);
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    mails,
    to: (address) => mails.filter((mail) => mail.to === address.toLowerCase()),
    clear: () => {
      mails.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function parse(mail: CapturedMail): Promise<ParsedMail> {
  return simpleParser(mail.raw);
}

/** auth, crm, the gateway and notifications of one suite; campaign email goes to an SMTP capture. */
export interface CampaignsTestBed {
  stack: CrmStack;
  notifications: RunningService<NotificationsConfig>;
  smtp: SmtpCapture;
  close(): Promise<void>;
}

export async function startCampaignsBed(suite: string, overrides: Record<string, string> = {}): Promise<CampaignsTestBed> {
  const stack = await startCrmStack(suite);
  const smtp = await startSmtpCapture();
  const notifications = await startTestService(notificationsService, stack.environment, {
    SMTP_URL: smtp.smtpUrl,
    PUBLIC_URL: stack.gateway.url,
    CAMPAIGN_POLL_INTERVAL_MS: '200',
    SEND_BACKOFF_MS: '100',
    ...overrides,
  });
  return {
    stack,
    notifications,
    smtp,
    async close() {
      await notifications.close();
      await smtp.close();
      await stack.close();
    },
  };
}

export interface ContactSeed {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  emailOptOut?: boolean;
  smsOptOut?: boolean;
  customFields?: Record<string, unknown>;
}

export function uniqueLabel(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** Contacts written straight into crm's table as the superuser: set-based, for audiences of thousands. Returns their ids in insertion order. */
export async function insertContacts(stack: CrmStack, workspaceId: string, contacts: ContactSeed[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await stack.owner.query(
    `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email, phone, company_name, email_opt_out, sms_opt_out, custom_fields)
     SELECT gen_random_uuid(), $1, c.first_name, c.last_name, c.email, c.phone, c.company_name, c.email_opt_out, c.sms_opt_out, c.custom_fields
     FROM jsonb_to_recordset($2::jsonb) AS c(first_name text, last_name text, email text, phone text, company_name text, email_opt_out boolean, sms_opt_out boolean, custom_fields jsonb)
     RETURNING id`,
    [
      workspaceId,
      JSON.stringify(
        contacts.map((contact) => ({
          first_name: contact.firstName ?? null,
          last_name: contact.lastName ?? null,
          email: contact.email ?? null,
          phone: contact.phone ?? null,
          company_name: contact.companyName ?? null,
          email_opt_out: contact.emailOptOut ?? false,
          sms_opt_out: contact.smsOptOut ?? false,
          custom_fields: contact.customFields ?? {},
        })),
      ),
    ],
  );
  return rows.map((row) => row.id);
}

export type { Caller };
