import { describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { MailRefused, readInboundMail } from './inbound-mail.js';
import { slugOf } from './inbound-mailboxes.js';
import { slugOfAddress } from './inbound-email.service.js';

const OWN = { domain: 'in.example.com', mailFrom: 'no-reply@example.com' };

async function read(source: string, envelopeFrom = 'ada@customer.test') {
  return readInboundMail(await simpleParser(source), envelopeFrom, OWN);
}

describe('inbound mail', () => {
  it('makes support-address slugs of workspace names', () => {
    expect(slugOf('Ünïque  Support & Co.')).toBe('unique-support-co');
    expect(slugOf('---')).toBe('workspace');
    expect(slugOf('x'.repeat(80))).toHaveLength(40);
  });

  it('reads the slug of support addresses of our domain only', () => {
    expect(slugOfAddress('Support+Acme@IN.example.com', OWN.domain)).toBe('acme');
    expect(slugOfAddress('support@in.example.com', OWN.domain)).toBeNull();
    expect(slugOfAddress('support+acme@example.com', OWN.domain)).toBeNull();
  });

  it('keeps the thread ids nearest first, without brackets', async () => {
    const mail = await read(
      'From: Ada <Ada@Customer.test>\r\nSubject: Re: hi\r\nMessage-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\nReferences: <a@x> <b@x>\r\n\r\nbody\r\n',
    );
    expect(mail).toMatchObject({
      outcome: 'received',
      messageId: 'c@x',
      fromAddress: 'ada@customer.test',
      fromName: 'Ada',
      references: ['b@x', 'a@x'],
      text: 'body',
    });
  });

  it('classifies automatic mail', async () => {
    expect((await read('From: a@c.test\r\nAuto-Submitted: auto-generated\r\n\r\nx\r\n')).outcome).toBe('auto_reply');
    expect((await read('From: a@c.test\r\nAuto-Submitted: no\r\n\r\nx\r\n')).outcome).toBe('received');
    expect((await read('From: a@c.test\r\nPrecedence: list\r\n\r\nx\r\n')).outcome).toBe('bulk');
    expect((await read('From: a@c.test\r\n\r\nx\r\n', '')).outcome).toBe('bounce');
    expect((await read('From: no-reply@example.com\r\n\r\nx\r\n')).outcome).toBe('loop');
  });

  it('refuses mail without a From and a multipart without a boundary', async () => {
    await expect(read('Subject: x\r\n\r\nx\r\n')).rejects.toEqual(new MailRefused(550, '5.1.7 The message has no valid From address'));
    await expect(read('From: a@c.test\r\nContent-Type: multipart/mixed\r\n\r\nx\r\n')).rejects.toMatchObject({ responseCode: 554 });
  });
});
