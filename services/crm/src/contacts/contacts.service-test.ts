import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@kinship/contracts';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import type { CrmCaller } from '../common/crm-caller.js';
import { CompaniesService } from '../companies/companies.service.js';
import { crmService } from '../crm.service.js';
import { CrmSettingsService } from '../settings/crm-settings.service.js';
import { ContactsService } from './contacts.service.js';

function caller(role: Role = 'owner', workspaceId: string = randomUUID()): CrmCaller {
  return { workspaceId, userId: randomUUID(), role, scopes: [] };
}

describe('contacts (service tier): resolution of email and phone, and what a refused write leaves', () => {
  let crm: ServiceTest;
  let contacts: ContactsService;

  /** Live and deleted contacts of the workspace, as stored. */
  async function stored(workspaceId: string): Promise<Array<{ email: string | null; phone: string | null; deleted: boolean }>> {
    return crm.owner.query('SELECT email, phone, deleted_at IS NOT NULL AS deleted FROM crm.contacts WHERE workspace_id = $1 ORDER BY created_at', [
      workspaceId,
    ]);
  }

  beforeAll(async () => {
    crm = await startServiceTest(crmService);
    contacts = crm.get(ContactsService);
  });

  afterAll(async () => {
    await crm?.close();
  });

  it('stores the email trimmed (matched case-insensitively) and the phone in E.164 read in the workspace’s region, and emits contact.created with them', async () => {
    const owner = caller();
    await crm.get(CrmSettingsService).update(owner, { defaultPhoneRegion: 'GB' });
    const contact = await contacts.create(owner, { firstName: '  Ada ', email: '  Ada.Lovelace@Example.COM ', phone: '020 7946 0018' });
    expect(contact).toMatchObject({
      firstName: 'Ada',
      email: 'Ada.Lovelace@Example.COM',
      phone: '+442079460018',
      ownerId: owner.userId,
      lifecycleStage: 'lead',
    });
    const events = await crm.events(owner.workspaceId);
    expect(events.map((event) => event.type)).toEqual(['contact.created']);
    expect(events[0]).toMatchObject({
      aggregateId: contact.id,
      actorId: owner.userId,
      data: { contact: { email: 'Ada.Lovelace@Example.COM', phone: '+442079460018' } },
    });
  });

  it('refuses a second live contact with the same email or phone however written, naming the holder, and stores and emits nothing', async () => {
    const owner = caller();
    await crm.get(CrmSettingsService).update(owner, { defaultPhoneRegion: 'GB' });
    const first = await contacts.create(owner, { lastName: 'Hopper', email: 'grace@example.com', phone: '07700 900123' });

    const byEmail = await refusal(contacts.create(owner, { lastName: 'Hopper', email: ' GRACE@example.com' }));
    expect(byEmail).toMatchObject({ status: 409, details: [{ field: 'email', issue: 'is already used by another contact', existingId: first.id }] });
    const byPhone = await refusal(contacts.create(owner, { lastName: 'Hopper', phone: '+44 7700 900 123' }));
    expect(byPhone).toMatchObject({ status: 409, details: [{ field: 'phone', issue: 'is already used by another contact', existingId: first.id }] });
    const other = await contacts.create(owner, { lastName: 'Lamarr', email: 'hedy@example.com' });
    const byUpdate = await refusal(contacts.update(owner, { id: other.id, email: 'Grace@Example.com' }));
    expect(byUpdate).toMatchObject({ status: 409, details: [{ field: 'email', existingId: first.id }] });

    expect(await stored(owner.workspaceId)).toEqual([
      { email: 'grace@example.com', phone: '+447700900123', deleted: false },
      { email: 'hedy@example.com', phone: null, deleted: false },
    ]);
    expect((await crm.events(owner.workspaceId)).map((event) => event.type)).toEqual(['contact.created', 'contact.created']);
  });

  it('matches within a workspace only: another workspace may hold the same email and phone', async () => {
    const email = `${randomUUID()}@example.com`;
    const one = await contacts.create(caller(), { email, phone: '+1 202 555 0143' });
    const two = await contacts.create(caller(), { email, phone: '+1 202 555 0143' });
    expect(two.id).not.toBe(one.id);
  });

  it('frees a deleted contact’s email for a new contact, and then refuses to restore the deleted one with 409', async () => {
    const owner = caller();
    const first = await contacts.create(owner, { email: 'ada@example.com' });
    await contacts.delete(owner, first.id);
    const second = await contacts.create(owner, { email: 'ADA@example.com' });

    const restoring = await refusal(contacts.restore(owner, first.id));
    expect(restoring).toMatchObject({ status: 409, details: [{ field: 'email', existingId: second.id }] });
    expect(await stored(owner.workspaceId)).toEqual([
      { email: 'ada@example.com', phone: null, deleted: true },
      { email: 'ADA@example.com', phone: null, deleted: false },
    ]);
  });

  it('refuses a contact without name, email or phone, an impossible phone number and another workspace’s company with 422 naming each field, and stores nothing', async () => {
    const owner = caller();
    const elsewhere = await crm.get(CompaniesService).create(caller(), { name: 'Elsewhere Ltd' });
    const nameless = await refusal(contacts.create(owner, { jobTitle: 'Engineer', tags: ['vip'] }));
    expect(nameless).toMatchObject({ status: 422, code: 'validation_failed', details: [{ field: 'firstName' }] });
    const badPhone = await refusal(contacts.create(owner, { firstName: 'Ada', phone: '12' }));
    expect(badPhone).toMatchObject({ status: 422, details: [{ field: 'phone' }] });
    const foreignCompany = await refusal(contacts.create(owner, { firstName: 'Ada', companyId: elsewhere.id }));
    expect(foreignCompany).toMatchObject({ status: 422, details: [{ field: 'companyId', issue: 'is not a company of this workspace' }] });

    expect(await stored(owner.workspaceId)).toEqual([]);
    expect(await crm.events(owner.workspaceId)).toEqual([]);
  });

  it('writes and emits nothing for an update that changes nothing (blank text is the same as none)', async () => {
    const owner = caller();
    const contact = await contacts.create(owner, { firstName: 'Ada', email: 'ada@example.com' });
    const unchanged = await contacts.update(owner, { id: contact.id, firstName: ' Ada ', email: ' ada@example.com ', jobTitle: '   ' });
    expect(unchanged.updatedAt).toBe(contact.updatedAt);
    expect((await crm.events(owner.workspaceId)).map((event) => event.type)).toEqual(['contact.created']);
  });

  it('lets a member change only the contacts they own, and a viewer none, with 403 and nothing changed', async () => {
    const owner = caller();
    const member = caller('member', owner.workspaceId);
    const viewer = caller('viewer', owner.workspaceId);
    const contact = await contacts.create(owner, { firstName: 'Ada' });

    expect(await refusal(contacts.update(member, { id: contact.id, firstName: 'Augusta' }))).toMatchObject({ status: 403 });
    expect(await refusal(contacts.delete(member, contact.id))).toMatchObject({ status: 403 });
    expect(await refusal(contacts.create(viewer, { firstName: 'Grace' }))).toMatchObject({ status: 403 });
    const own = await contacts.create(member, { firstName: 'Grace' });
    expect((await contacts.update(member, { id: own.id, jobTitle: 'Admiral' })).jobTitle).toBe('Admiral');

    expect((await contacts.get(owner, contact.id)).firstName).toBe('Ada');
    expect((await crm.events(owner.workspaceId)).map((event) => event.type)).toEqual(['contact.created', 'contact.created', 'contact.updated']);
  });
});
