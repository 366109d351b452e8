import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@kinship/contracts';
import { DomainEvents } from '@kinship/platform';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import type { CrmCaller } from '../common/crm-caller.js';
import { CompaniesService } from '../companies/companies.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { crmService } from '../crm.service.js';
import { DealsService } from '../deals/deals.service.js';
import { NotesService } from '../notes/notes.service.js';
import { PipelinesService } from '../pipelines/pipelines.service.js';
import { DuplicatesService } from './duplicates.service.js';

function caller(role: Role = 'owner', workspaceId: string = randomUUID()): CrmCaller {
  return { workspaceId, userId: randomUUID(), role, scopes: [] };
}

describe('duplicates and merge (service tier)', () => {
  let crm: ServiceTest;
  let contacts: ContactsService;
  let duplicates: DuplicatesService;

  /** A workspace as crm sets it up when auth reports it created: with its default pipeline. */
  async function workspace(): Promise<CrmCaller> {
    const owner = caller();
    await crm.get(DomainEvents).transaction(owner.workspaceId, (manager, emit) => crm.get(PipelinesService).createDefault(manager, emit, owner.workspaceId));
    return owner;
  }

  async function contactRows(workspaceId: string): Promise<Array<{ id: string; email: string | null; deleted: boolean; mergedIntoId: string | null }>> {
    return crm.owner.query(
      'SELECT id, email, deleted_at IS NOT NULL AS deleted, merged_into_id AS "mergedIntoId" FROM crm.contacts WHERE workspace_id = $1 ORDER BY created_at',
      [workspaceId],
    );
  }

  beforeAll(async () => {
    crm = await startServiceTest(crmService);
    contacts = crm.get(ContactsService);
    duplicates = crm.get(DuplicatesService);
  });

  afterAll(async () => {
    await crm?.close();
  });

  it('groups live contacts of one company by name, ignoring case and spaces, and leaves out other companies and deleted contacts', async () => {
    const owner = caller();
    const companies = crm.get(CompaniesService);
    const engines = await companies.create(owner, { name: 'Analytical Engines' });
    const looms = await companies.create(owner, { name: 'Jacquard Looms' });
    const first = await contacts.create(owner, { firstName: 'Ada', lastName: 'Lovelace', companyId: engines.id });
    const second = await contacts.create(owner, { firstName: ' ada', lastName: 'LOVELACE ', companyId: engines.id });
    await contacts.create(owner, { firstName: 'Ada', lastName: 'Lovelace', companyId: looms.id });
    const deleted = await contacts.create(owner, { firstName: 'Ada', lastName: 'Lovelace', companyId: engines.id });
    await contacts.delete(owner, deleted.id);

    const page = await duplicates.list(owner, {});
    expect(page.data.map((group) => ({ reason: group.reason, count: group.count, ids: group.contacts.map((contact) => contact.id) }))).toEqual([
      { reason: 'name_company', count: 2, ids: [first.id, second.id] },
    ]);
  });

  it('merges: the survivor keeps its values, fills its empty fields, unions tags, keeps an opt-out and takes the other’s deals and notes', async () => {
    const owner = await workspace();
    const survivor = await contacts.create(owner, { firstName: 'Ada', lastName: 'Lovelace', tags: ['VIP'], jobTitle: null });
    const other = await contacts.create(owner, {
      firstName: 'Augusta',
      email: 'ada@example.com',
      jobTitle: 'Analyst',
      tags: ['vip', 'math'],
      emailOptOut: true,
    });
    const deal = await crm.get(DealsService).create(owner, { name: 'Engine', amount: 1000, currency: 'GBP', contactIds: [other.id] });
    await crm.get(NotesService).create(owner, { body: 'Met at the Royal Society', related: { type: 'contact', id: other.id } });

    const merged = await duplicates.merge(owner, { id: survivor.id, otherId: other.id });

    expect(merged).toMatchObject({
      id: survivor.id,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      jobTitle: 'Analyst',
      tags: ['VIP', 'math'],
      emailOptOut: true,
    });
    expect(await contactRows(owner.workspaceId)).toEqual([
      { id: survivor.id, email: 'ada@example.com', deleted: false, mergedIntoId: null },
      { id: other.id, email: 'ada@example.com', deleted: true, mergedIntoId: survivor.id },
    ]);
    expect((await crm.get(DealsService).get(owner, deal.id)).contactIds).toEqual([survivor.id]);
    const notes: Array<{ relatedId: string }> = await crm.owner.query('SELECT related_id AS "relatedId" FROM crm.notes WHERE workspace_id = $1', [
      owner.workspaceId,
    ]);
    expect(notes).toEqual([{ relatedId: survivor.id }]);
    const events = await crm.events(owner.workspaceId);
    expect(events.filter((event) => event.type.startsWith('contact.')).map((event) => event.type)).toEqual([
      'contact.created',
      'contact.created',
      'contact.merged',
    ]);
    expect(events.at(-1)).toMatchObject({ aggregateId: survivor.id, data: { mergedContactId: other.id, contact: { email: 'ada@example.com' } } });
  });

  it('refuses a merge into itself or of a deleted contact (422), of an unknown or another workspace’s contact (404), and by a member who owns neither (403), changing nothing', async () => {
    const owner = caller();
    const one = await contacts.create(owner, { firstName: 'Ada', email: 'ada@example.com' });
    const two = await contacts.create(owner, { firstName: 'Grace', email: 'grace@example.com' });
    const gone = await contacts.create(owner, { firstName: 'Hedy' });
    await contacts.delete(owner, gone.id);
    const foreign = await contacts.create(caller(), { firstName: 'Alan' });
    const before = await contactRows(owner.workspaceId);
    const eventsBefore = await crm.events(owner.workspaceId);

    expect(await refusal(duplicates.merge(owner, { id: one.id, otherId: one.id }))).toMatchObject({ status: 422, details: [{ field: 'otherId' }] });
    expect(await refusal(duplicates.merge(owner, { id: one.id, otherId: gone.id }))).toMatchObject({
      status: 422,
      details: [{ field: 'otherId', issue: 'is a deleted contact' }],
    });
    expect(await refusal(duplicates.merge(owner, { id: gone.id, otherId: one.id }))).toMatchObject({ status: 404 });
    expect(await refusal(duplicates.merge(owner, { id: one.id, otherId: randomUUID() }))).toMatchObject({ status: 404 });
    expect(await refusal(duplicates.merge(owner, { id: one.id, otherId: foreign.id }))).toMatchObject({ status: 404 });
    expect(await refusal(duplicates.merge(caller('member', owner.workspaceId), { id: one.id, otherId: two.id }))).toMatchObject({ status: 403 });

    expect(await contactRows(owner.workspaceId)).toEqual(before);
    expect(await crm.events(owner.workspaceId)).toEqual(eventsBefore);
  });
});
