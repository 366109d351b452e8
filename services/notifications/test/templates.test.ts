import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NotificationsRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import {
  addMember,
  call,
  expectError,
  publishCrmEvent,
  registerOwner,
  startNotifications,
  taskAssigned,
  waitForMail,
  type NotificationsTestBed,
} from './support.js';

const OVERRIDE = { subject: 'Task for {{name}}: {{taskTitle}}', body: '<h1>{{taskTitle}}</h1><p><a href="{{taskUrl}}">Open</a> ({{workspaceName}})</p>' };

describe('email templates', () => {
  let bed: NotificationsTestBed;
  let workspaceId: string;
  let admin: RequestContext;
  let member: Awaited<ReturnType<typeof addMember>>;

  function templates(pattern: string, data: unknown, context = admin): Promise<NotificationsRpc.EmailTemplate> {
    return call<NotificationsRpc.EmailTemplate>(bed, `notifications.email-templates.${pattern}`, data, context);
  }

  beforeAll(async () => {
    bed = await startNotifications('notifications-templates');
    const owner = await registerOwner(bed, 'templates');
    workspaceId = owner.user.workspaceId;
    admin = owner.context;
    member = await addMember(bed, admin, 'reader');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('lists the thirteen default templates with the placeholders each is given', async () => {
    const list = await call<NotificationsRpc.EmailTemplateList>(bed, 'notifications.email-templates.list', {}, admin);
    expect(list.data.map((template) => template.id)).toEqual([
      'invitation',
      'password_reset',
      'email_verification',
      'email_change_requested',
      'task_assigned',
      'deal_won',
      'invoice_sent',
      'payment_received',
      'refund_issued',
      'credit_note_issued',
      'report_delivery',
      'ticket_assigned',
      'ticket_sla',
    ]);
    expect(list.data.every((template) => template.isDefault && template.updatedAt === null)).toBe(true);
    expect(list.data.find((template) => template.key === 'invitation')!.variables).toEqual(['inviterName', 'workspaceName', 'role', 'expiresAt']);
  });

  it('sends a workspace’s override, escaping what the data holds', async () => {
    const created = await templates('create', { key: 'task_assigned', ...OVERRIDE });
    expect(created).toMatchObject({ id: 'task_assigned', isDefault: false, ...OVERRIDE, updatedAt: expect.any(String) });
    expect(await templates('get', { id: 'task_assigned' })).toMatchObject({ isDefault: false, subject: OVERRIDE.subject });

    await publishCrmEvent(bed, taskAssigned(workspaceId, member.user.id, { title: '<script>alert(1)</script>' }));
    const mail = await waitForMail(bed, member.user.email, 'Task for reader person: <script>alert(1)</script>');
    expect(mail.html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('(templates workspace)');
    expect(mail.text).toContain('Open [https://app.kinship.test/tasks/');
  });

  it('previews the saved template or a draft with given data over the sample data', async () => {
    const saved = await call<NotificationsRpc.RenderedEmail>(
      bed,
      'notifications.email-templates.preview',
      { id: 'task_assigned', data: { taskTitle: '<script>x</script>' } },
      admin,
    );
    expect(saved.subject).toBe('Task for Ada Lovelace: <script>x</script>');
    expect(saved.html).toBe('<h1>&lt;script&gt;x&lt;/script&gt;</h1><p><a href="http://localhost:3000/tasks/example">Open</a> (Analytical Engines Ltd)</p>');
    // The text part is plain text: nothing to escape there (html-to-text writes headings in capitals).
    expect(saved.text).toContain('<SCRIPT>X</SCRIPT>');

    const draft = await call<NotificationsRpc.RenderedEmail>(
      bed,
      'notifications.email-templates.preview',
      { id: 'deal_won', body: '<p>{{dealName}} for {{amount}}</p>' },
      admin,
    );
    expect(draft).toEqual({
      subject: 'Deal won: Analytical engine, first unit',
      html: '<p>Analytical engine, first unit for €12,500.00</p>',
      text: 'Analytical engine, first unit for €12,500.00',
    });
  });

  it('changes an override with PATCH and goes back to the default with DELETE', async () => {
    const patched = await templates('update', { id: 'task_assigned', subject: 'Assigned: {{taskTitle}}' });
    expect(patched).toMatchObject({ subject: 'Assigned: {{taskTitle}}', body: OVERRIDE.body, isDefault: false });
    await call(bed, 'notifications.email-templates.delete', { id: 'task_assigned' }, admin);
    expect(await templates('get', { id: 'task_assigned' })).toMatchObject({ isDefault: true, subject: 'New task: {{taskTitle}}' });
    // PATCH of a template without an override starts one from the default.
    expect(await templates('update', { id: 'deal_won', subject: 'Won: {{dealName}}' })).toMatchObject({
      isDefault: false,
      subject: 'Won: {{dealName}}',
      body: expect.stringContaining('Congratulations'),
    });
  });

  it('refuses bad templates with 422 naming the field, and changes nothing', async () => {
    await expectError(templates('create', { key: 'newsletter', subject: 'Hi', body: '<p>Hi</p>' }), { status: 422, field: 'key' });
    await expectError(templates('create', { key: 'invitation', subject: 'Hi', body: '<p>{{#if name}}unclosed</p>' }), { status: 422, field: 'body' });
    await expectError(templates('create', { key: 'invitation', subject: '{{{inviterName}}}', body: '<p>Hi</p>' }), { status: 422, field: 'subject' });
    await expectError(templates('update', { id: 'invitation', body: '{{> footer}}' }), { status: 422, field: 'body' });
    await expectError(templates('update', { id: 'invitation', body: '' }), { status: 422, field: 'body' });
    await expectError(templates('preview', { id: 'invitation', body: '{{#each}}' }), { status: 422, field: 'body' });
    expect(await templates('get', { id: 'invitation' })).toMatchObject({ isDefault: true });
  });

  it('answers 404 for an unknown template and 409 for a second override of a key', async () => {
    await expectError(templates('get', { id: 'newsletter' }), { status: 404 });
    await expectError(templates('delete', { id: 'newsletter' }), { status: 404 });
    await expectError(templates('preview', { id: 'newsletter' }), { status: 404 });
    await expectError(templates('create', { key: 'deal_won', subject: 'Again', body: '<p>Again</p>' }), { status: 409, field: 'key' });
    expect(await templates('get', { id: 'deal_won' })).toMatchObject({ subject: 'Won: {{dealName}}' });
  });

  it('lets only admins manage templates', async () => {
    await expectError(call(bed, 'notifications.email-templates.list', {}, member.context), { status: 403 });
    await expectError(templates('update', { id: 'invitation', subject: 'Hacked' }, member.context), { status: 403 });
    expect(await templates('get', { id: 'invitation' })).toMatchObject({ isDefault: true });
  });
});
