import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { subjectFor, type DomainEvent } from '@kinship/messaging';
import { newId } from '@kinship/persistence';
import { eventually, expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('contacts', () => {
  let stack: CrmStack;
  let owner: Caller;
  let other: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-contacts');
    owner = await stack.signUp('contacts');
    other = await stack.signUp('elsewhere');
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** A company row as the companies feature would write it (that feature is built beside this one). */
  async function insertCompany(workspace: Caller, name: string): Promise<string> {
    const id = newId();
    await stack.owner.query('INSERT INTO crm.companies (id, workspace_id, name) VALUES ($1, $2, $3)', [id, workspace.workspaceId, name]);
    return id;
  }

  async function contactCount(workspace: Caller): Promise<number> {
    const rows: Array<{ count: number }> = await stack.owner.query('SELECT count(*)::int AS count FROM crm.contacts WHERE workspace_id = $1', [
      workspace.workspaceId,
    ]);
    return rows[0]!.count;
  }

  function unique(label: string): string {
    return `${label}-${randomUUID().slice(0, 8)}`;
  }

  describe('create, read, update, delete, restore', () => {
    it('creates a contact with defaults: lead, owned by its creator, tags trimmed and de-duplicated', async () => {
      const email = `${unique('ada')}@Example.com`;
      const created = await owner.post('/contacts', { firstName: ' Ada ', lastName: 'Lovelace', email, tags: [' vip ', 'vip', 'Newsletter', ''] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        firstName: 'Ada',
        lastName: 'Lovelace',
        email,
        phone: null,
        lifecycleStage: 'lead',
        ownerId: owner.userId,
        tags: ['vip', 'Newsletter'],
        customFields: {},
        emailOptOut: false,
        smsOptOut: false,
        customerSince: null,
        deletedAt: null,
      });
      const fetched = await owner.get(`/contacts/${created.body.id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(created.body);
    });

    it('updates only the fields sent, clears with null, and changes nothing when nothing differs', async () => {
      const created = await owner.post('/contacts', { firstName: 'Grace', lastName: 'Hopper', jobTitle: 'Rear admiral', leadSource: 'navy' });
      const id = created.body.id;
      const updated = await owner.patch(`/contacts/${id}`, { jobTitle: null, lastName: 'Murray Hopper' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ firstName: 'Grace', lastName: 'Murray Hopper', jobTitle: null, leadSource: 'navy' });

      const same = await owner.patch(`/contacts/${id}`, { firstName: 'Grace' });
      expect(same.status).toBe(200);
      expect(same.body.updatedAt).toBe(updated.body.updatedAt);
      expect(await outboxEvents(stack, 'contact.updated', id)).toHaveLength(1);
    });

    it('sets customerSince to today when a contact becomes a customer, and keeps a date given', async () => {
      const created = await owner.post('/contacts', { firstName: 'Customer', lastName: unique('to-be') });
      const became = await owner.patch(`/contacts/${created.body.id}`, { lifecycleStage: 'customer' });
      expect(became.body).toMatchObject({ lifecycleStage: 'customer', customerSince: new Date().toISOString().slice(0, 10) });

      const given = await owner.post('/contacts', { firstName: 'Old', lastName: 'Customer', lifecycleStage: 'customer', customerSince: '2020-02-29' });
      expect(given.body).toMatchObject({ lifecycleStage: 'customer', customerSince: '2020-02-29' });
    });

    it('soft-deletes (still readable, listed under deleted=true), refuses changes to a deleted contact, and restores', async () => {
      const email = `${unique('gone')}@example.com`;
      const created = await owner.post('/contacts', { firstName: 'Gone', email });
      const id = created.body.id;

      const deleted = await owner.delete(`/contacts/${id}`);
      expect(deleted.status).toBe(204);
      const fetched = await owner.get(`/contacts/${id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.body.deletedAt).toEqual(expect.any(String));
      expect((await owner.get(`/contacts?q=${encodeURIComponent(email)}`)).body.data).toEqual([]);
      expect((await owner.get(`/contacts?deleted=true&q=${encodeURIComponent(email)}`)).body.data.map((contact: { id: string }) => contact.id)).toEqual([id]);
      expectError(await owner.patch(`/contacts/${id}`, { firstName: 'Back' }), 404);
      expectError(await owner.delete(`/contacts/${id}`), 404);

      const restored = await owner.post(`/contacts/${id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ id, email, deletedAt: null });
      const again = await owner.post(`/contacts/${id}/restore`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(restored.body);
    });

    it('answers 404 for an unknown id, a non-UUID id, and another workspace’s contact on every route', async () => {
      const theirs = await other.post('/contacts', { firstName: 'Theirs' });
      for (const id of [theirs.body.id, randomUUID(), 'not-a-uuid']) {
        expectError(await owner.get(`/contacts/${id}`), 404);
        expectError(await owner.patch(`/contacts/${id}`, { firstName: 'Mine' }), 404);
        expectError(await owner.delete(`/contacts/${id}`), 404);
        expectError(await owner.post(`/contacts/${id}/restore`), 404);
      }
      const untouched = await other.get(`/contacts/${theirs.body.id}`);
      expect(untouched.body).toMatchObject({ firstName: 'Theirs', deletedAt: null });
    });
  });

  describe('bad input', () => {
    it('refuses invalid fields with 422 naming each, and stores nothing', async () => {
      const before = await contactCount(owner);
      expectError(await owner.post('/contacts', { firstName: 'Bad', email: 'not-an-email' }), 422, 'email');
      expectError(await owner.post('/contacts', { firstName: 'Bad', phone: '12' }), 422, 'phone');
      expectError(await owner.post('/contacts', { firstName: 'Bad', lifecycleStage: 'prospect' }), 422, 'lifecycleStage');
      expectError(await owner.post('/contacts', { firstName: 'Bad', favouriteColour: 'blue' }), 422, 'favouriteColour');
      expectError(await owner.post('/contacts', { firstName: 'Bad', customerSince: '2021-02-30' }), 422, 'customerSince');
      expectError(await owner.post('/contacts', { firstName: 'Bad', companyId: randomUUID() }), 422, 'companyId');
      expectError(await owner.post('/contacts', { firstName: 'Bad', tags: Array.from({ length: 51 }, (_, index) => `tag ${index}`) }), 422, 'tags');
      expectError(await owner.post('/contacts', { jobTitle: 'Nobody' }), 422, 'firstName');
      expect(await contactCount(owner)).toBe(before);
    });

    it('refuses an update that would leave a contact without name, email and phone', async () => {
      const created = await owner.post('/contacts', { email: `${unique('only')}@example.com` });
      expectError(await owner.patch(`/contacts/${created.body.id}`, { email: null }), 422, 'firstName');
      expect((await owner.get(`/contacts/${created.body.id}`)).body.email).toBe(created.body.email);
    });

    it('checks custom field values against their definitions (422 naming customFields.<key>)', async () => {
      await stack.owner.query(
        `INSERT INTO crm.custom_field_definitions (id, workspace_id, entity, key, label, type) VALUES ($1, $2, 'contact', 'seats', 'Seats', 'number')`,
        [newId(), owner.workspaceId],
      );
      expectError(await owner.post('/contacts', { firstName: 'Typed', customFields: { seats: 'many' } }), 422, 'customFields.seats');
      expectError(await owner.post('/contacts', { firstName: 'Typed', customFields: { undefined_key: 1 } }), 422, 'customFields.undefined_key');
      const created = await owner.post('/contacts', { firstName: 'Typed', customFields: { seats: 12 } });
      expect(created.status).toBe(201);
      expect(created.body.customFields).toEqual({ seats: 12 });
      expectError(await owner.patch(`/contacts/${created.body.id}`, { customFields: { seats: true } }), 422, 'customFields.seats');
      const cleared = await owner.patch(`/contacts/${created.body.id}`, { customFields: { seats: null } });
      expect(cleared.body.customFields).toEqual({});
    });
  });

  describe('uniqueness', () => {
    it('refuses a second live contact with the same email, whatever its case, naming the holder', async () => {
      const email = `${unique('dup')}@example.com`;
      const first = await owner.post('/contacts', { firstName: 'First', email });
      const second = await owner.post('/contacts', { firstName: 'Second', email: email.toUpperCase() });
      expectError(second, 409, 'email');
      expect(second.body.error.details[0].existingId).toBe(first.body.id);

      const another = await owner.post('/contacts', { firstName: 'Another', email: `x-${email}` });
      const taking = await owner.patch(`/contacts/${another.body.id}`, { email });
      expectError(taking, 409, 'email');
      expect(taking.body.error.details[0].existingId).toBe(first.body.id);
    });

    it('refuses the same phone number typed differently, naming the holder', async () => {
      const first = await owner.post('/contacts', { firstName: 'Phone', phone: '+1 (415) 555-0132' });
      expect(first.body.phone).toBe('+14155550132');
      const second = await owner.post('/contacts', { firstName: 'Phone again', phone: '415.555.0132' });
      expectError(second, 409, 'phone');
      expect(second.body.error.details[0].existingId).toBe(first.body.id);
    });

    it('frees the email of a deleted contact, and refuses to restore it while another holds it', async () => {
      const email = `${unique('reused')}@example.com`;
      const first = await owner.post('/contacts', { firstName: 'Before', email });
      await owner.delete(`/contacts/${first.body.id}`);
      const second = await owner.post('/contacts', { firstName: 'After', email });
      expect(second.status).toBe(201);
      const restore = await owner.post(`/contacts/${first.body.id}/restore`);
      expectError(restore, 409, 'email');
      expect(restore.body.error.details[0].existingId).toBe(second.body.id);
      expect((await owner.get(`/contacts/${first.body.id}`)).body.deletedAt).toEqual(expect.any(String));
    });

    it('lets only one of two simultaneous creates with the same email win', async () => {
      const email = `${unique('race')}@example.com`;
      const responses = await Promise.all([owner.post('/contacts', { firstName: 'One', email }), owner.post('/contacts', { firstName: 'Two', email })]);
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      const winner = responses.find((response) => response.status === 201)!;
      const loser = responses.find((response) => response.status === 409)!;
      expect(loser.body.error.details[0]).toMatchObject({ field: 'email', existingId: winner.body.id });
    });

    it('keeps workspaces apart: the same email may live in two workspaces', async () => {
      const email = `${unique('shared')}@example.com`;
      expect((await owner.post('/contacts', { firstName: 'Here', email })).status).toBe(201);
      expect((await other.post('/contacts', { firstName: 'There', email })).status).toBe(201);
    });
  });

  describe('addresses, additional emails and phones, links', () => {
    it('stores an address with the country as its code, additional emails and phones with extensions, and links', async () => {
      const email = `${unique('details')}@example.com`;
      const work = `${unique('work')}@example.com`;
      const created = await owner.post('/contacts', {
        firstName: 'Detailed',
        email,
        phone: '+1-940-986-3836x4639',
        emails: [{ email: work, label: 'work' }, { email: email.toUpperCase() }, { email: work }],
        phones: [{ phone: '229.077.5154', label: 'office' }, { phone: '(496)978-3969 x 55', label: 'mobile' }, { phone: '001-415-555-0188' }],
        address: { line1: ' 12 Unter den Linden ', city: 'Berlin', postalCode: '10117', country: 'Deutschland' },
        website: 'ada.example.com',
        linkedinUrl: 'https://www.linkedin.com/in/ada',
        timezone: 'Europe/Berlin',
        birthday: '1815-12-10',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        phone: '+19409863836',
        phoneExtension: '4639',
        // The primary email again and a repeat are dropped.
        emails: [{ email: work, label: 'work' }],
        phones: [
          { phone: '+12290775154', label: 'office', extension: null },
          { phone: '+14969783969', label: 'mobile', extension: '55' },
          { phone: '+14155550188', label: null, extension: null },
        ],
        address: { line1: '12 Unter den Linden', line2: null, city: 'Berlin', region: null, postalCode: '10117', country: 'DE' },
        website: 'https://ada.example.com',
        linkedinUrl: 'https://www.linkedin.com/in/ada',
        timezone: 'Europe/Berlin',
        birthday: '1815-12-10',
      });
      expect((await owner.get(`/contacts/${created.body.id}`)).body).toEqual(created.body);
      for (const [country, code] of [
        ['United Kingdom', 'GB'],
        ['usa', 'US'],
        ['Côte d’Ivoire', 'CI'],
        ['fr', 'FR'],
      ]) {
        const changed = await owner.patch(`/contacts/${created.body.id}`, { address: { country } });
        expect(changed.body.address).toEqual({ line1: null, line2: null, city: null, region: null, postalCode: null, country: code });
      }
      const [event] = await outboxEvents(stack, 'contact.created', created.body.id);
      expect(event.data.contact).toMatchObject({ emails: [{ email: work, label: 'work' }], address: { country: 'DE' }, timezone: 'Europe/Berlin' });
    });

    it('makes the first additional email or phone primary when there is no primary one', async () => {
      const email = `${unique('promoted')}@example.com`;
      const created = await owner.post('/contacts', { emails: [{ email, label: 'home' }], phones: [{ phone: '+44 20 7946 0123 ext. 9' }] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email, emails: [], phone: '+442079460123', phoneExtension: '9', phones: [] });
    });

    it('refuses a malformed country, time zone, additional email or phone and a link that is not LinkedIn with 422 naming each, storing nothing', async () => {
      const before = await contactCount(owner);
      expectError(await owner.post('/contacts', { firstName: 'Bad', address: { country: 'Narnia' } }), 422, 'address.country');
      expectError(await owner.post('/contacts', { firstName: 'Bad', address: { country: 'XX' } }), 422, 'address.country');
      expectError(await owner.post('/contacts', { firstName: 'Bad', timezone: 'Mars/Olympus' }), 422, 'timezone');
      expectError(await owner.post('/contacts', { firstName: 'Bad', emails: [{ email: 'nope' }] }), 422, 'emails.0.email');
      expectError(await owner.post('/contacts', { firstName: 'Bad', phones: [{ phone: '12' }] }), 422, 'phones.0.phone');
      expectError(await owner.post('/contacts', { firstName: 'Bad', phones: [{ phone: '+14155550100', extension: 'x1' }] }), 422, 'phones.0.extension');
      expectError(await owner.post('/contacts', { firstName: 'Bad', linkedinUrl: 'https://example.com/ada' }), 422, 'linkedinUrl');
      expectError(await owner.post('/contacts', { firstName: 'Bad', website: 'not a site' }), 422, 'website');
      expectError(await owner.post('/contacts', { firstName: 'Bad', birthday: '1990-02-30' }), 422, 'birthday');
      expect(await contactCount(owner)).toBe(before);
    });

    it('keeps every email and phone, primary or additional, to one live contact: 409 names the field and the holder', async () => {
      const email = `${unique('held')}@example.com`;
      const extra = `${unique('extra')}@example.com`;
      const holder = await owner.post('/contacts', { firstName: 'Holder', email, emails: [{ email: extra }], phones: [{ phone: '+1 415 555 0177' }] });
      expect(holder.status).toBe(201);
      const before = await contactCount(owner);

      const takingExtra = await owner.post('/contacts', {
        firstName: 'Taker',
        email: `${unique('mine')}@example.com`,
        emails: [{ email: `${unique('mine')}@example.com` }, { email: extra.toUpperCase() }],
      });
      expectError(takingExtra, 409, 'emails.1.email');
      expect(takingExtra.body.error.details).toEqual([expect.objectContaining({ field: 'emails.1.email', existingId: holder.body.id })]);
      const takingPrimary = await owner.post('/contacts', {
        firstName: 'Taker',
        emails: [{ email: `${unique('own')}@example.com` }],
        phone: '+1 415 555 0166',
        email: extra,
      });
      expect(takingPrimary.status).toBe(409);
      expect(takingPrimary.body.error.details).toEqual([expect.objectContaining({ field: 'email', existingId: holder.body.id })]);
      const additionalPrimary = await owner.post('/contacts', {
        firstName: 'Taker',
        phone: '+1 415 555 0155',
        phones: [{ phone: '415.555.0177' }],
        email: `${unique('x')}@example.com`,
      });
      expect(additionalPrimary.body.error.details).toEqual([expect.objectContaining({ field: 'phones.0.phone', existingId: holder.body.id })]);
      // Named as sent, though the first additional email becomes the primary one.
      const promoted = await owner.post('/contacts', { emails: [{ email: `${unique('first')}@example.com` }, { email: extra }] });
      expect(promoted.body.error.details).toEqual([expect.objectContaining({ field: 'emails.1.email', existingId: holder.body.id })]);
      expect(await contactCount(owner)).toBe(before);

      const other = await owner.post('/contacts', { firstName: 'Other', email: `${unique('other')}@example.com` });
      const patch = await owner.patch(`/contacts/${other.body.id}`, { emails: [{ email }] });
      expect(patch.status).toBe(409);
      expect(patch.body.error.details).toEqual([expect.objectContaining({ field: 'emails.0.email', existingId: holder.body.id })]);

      // Deleting frees them all; restoring the holder is refused while another has taken one.
      await owner.delete(`/contacts/${holder.body.id}`);
      expect((await owner.patch(`/contacts/${other.body.id}`, { emails: [{ email: extra }] })).status).toBe(200);
      const restore = await owner.post(`/contacts/${holder.body.id}/restore`);
      expect(restore.status).toBe(409);
      expect(restore.body.error.details).toEqual([expect.objectContaining({ field: 'emails.0.email', existingId: other.body.id })]);
      // A contact may move its own email from additional to primary.
      const moved = await owner.patch(`/contacts/${other.body.id}`, { email: extra, emails: [] });
      expect(moved.body).toMatchObject({ email: extra, emails: [] });
    });

    it('finds contacts by their additional emails and phones', async () => {
      const tag = unique('searchable');
      const created = await owner.post('/contacts', {
        firstName: 'Search',
        emails: [{ email: `${tag}@secondary.example` }],
        phones: [{ phone: '+1 212 555 0143' }],
      });
      expect(created.status).toBe(201);
      const byEmail = await owner.get(`/contacts?q=${encodeURIComponent(`${tag}@secondary.example`)}`);
      expect(byEmail.body.data.map((contact: { id: string }) => contact.id)).toContain(created.body.id);
      const byPhone = await owner.get('/contacts?q=12125550143');
      expect(byPhone.body.data.map((contact: { id: string }) => contact.id)).toContain(created.body.id);
    });
  });

  describe('phone region setting', () => {
    it('reads numbers without a country code in the workspace’s region, which admins set', async () => {
      const workspace = await stack.signUp('regional');
      expect((await workspace.get('/crm-settings')).body).toEqual({ defaultPhoneRegion: 'US' });
      expectError(await workspace.put('/crm-settings', { defaultPhoneRegion: 'XX' }), 422, 'defaultPhoneRegion');
      expectError(await workspace.put('/crm-settings', { defaultPhoneRegion: 'Britain' }), 422, 'defaultPhoneRegion');
      const member = await stack.as(workspace, 'member');
      expectError(await member.put('/crm-settings', { defaultPhoneRegion: 'DE' }), 403);
      expect((await member.get('/crm-settings')).body).toEqual({ defaultPhoneRegion: 'US' });

      const set = await workspace.put('/crm-settings', { defaultPhoneRegion: 'gb' });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ defaultPhoneRegion: 'GB' });
      const created = await workspace.post('/contacts', { firstName: 'Brit', phone: '07700 900123' });
      expect(created.status).toBe(201);
      expect(created.body.phone).toBe('+447700900123');
      expectError(await workspace.post('/contacts', { firstName: 'Brit again', phone: '+44 7700 900123' }), 409, 'phone');
    });
  });

  describe('companies', () => {
    it('links a live company of the workspace and shows its name; refuses another workspace’s company', async () => {
      const companyId = await insertCompany(owner, 'Analytical Engines Ltd');
      const created = await owner.post('/contacts', { firstName: 'Charles', lastName: 'Babbage', companyId });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ companyId, companyName: 'Analytical Engines Ltd' });
      const unlinked = await owner.patch(`/contacts/${created.body.id}`, { companyId: null });
      expect(unlinked.body).toMatchObject({ companyId: null, companyName: null });

      const theirs = await insertCompany(other, 'Their Company');
      expectError(await owner.post('/contacts', { firstName: 'Cross', companyId: theirs }), 422, 'companyId');
    });
  });

  describe('ownership and roles', () => {
    it('lets a member change their own contacts only, and not give them to someone else', async () => {
      // A real member: the owner hands them a contact, and owners must be active users of the workspace.
      const member = await stack.member(owner, 'member');
      const ownersContact = await owner.post('/contacts', { firstName: 'Owned', lastName: 'By owner' });
      expectError(await member.patch(`/contacts/${ownersContact.body.id}`, { firstName: 'Taken' }), 403);
      expectError(await member.delete(`/contacts/${ownersContact.body.id}`), 403);
      expectError(await member.post('/contacts', { firstName: 'For', ownerId: owner.userId }), 403);

      const own = await member.post('/contacts', { firstName: 'Members', lastName: 'Own' });
      expect(own.status).toBe(201);
      expect(own.body.ownerId).toBe(member.userId);
      const edited = await member.patch(`/contacts/${own.body.id}`, { jobTitle: 'Engineer' });
      expect(edited.status).toBe(200);
      expectError(await member.patch(`/contacts/${own.body.id}`, { ownerId: owner.userId }), 403);
      expect((await owner.get(`/contacts/${ownersContact.body.id}`)).body.firstName).toBe('Owned');

      const reassigned = await owner.patch(`/contacts/${ownersContact.body.id}`, { ownerId: member.userId });
      expect(reassigned.body.ownerId).toBe(member.userId);
      expect((await member.patch(`/contacts/${ownersContact.body.id}`, { firstName: 'Now mine' })).status).toBe(200);
    });

    it('lets a viewer read but not write', async () => {
      const viewer = await stack.as(owner, 'viewer');
      const created = await owner.post('/contacts', { firstName: 'Viewed' });
      expect((await viewer.get(`/contacts/${created.body.id}`)).status).toBe(200);
      expectError(await viewer.post('/contacts', { firstName: 'Viewer' }), 403);
      expectError(await viewer.patch(`/contacts/${created.body.id}`, { firstName: 'Viewer' }), 403);
      expectError(await viewer.delete(`/contacts/${created.body.id}`), 403);
    });

    it('lets an API key with contacts:write create contacts without an owner', async () => {
      const key = await stack.apiKey(owner, ['contacts:read', 'contacts:write']);
      const created = await key.post('/contacts', { firstName: 'Synced' });
      expect(created.status).toBe(201);
      expect(created.body.ownerId).toBeNull();
      const events = await outboxEvents(stack, 'contact.created', created.body.id);
      expect(events[0]!.actorId).toBeNull();
    });
  });

  describe('lists', () => {
    let workspace: Caller;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      workspace = await stack.signUp('lists');
      const companyId = await insertCompany(workspace, 'Difference Engines');
      const people = [
        {
          key: 'ada',
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@analytical.org',
          phone: '+44 20 7946 0958',
          lifecycleStage: 'customer',
          leadSource: 'referral',
          tags: ['vip', 'math'],
        },
        {
          key: 'grace',
          firstName: 'Grace',
          lastName: 'Hopper',
          email: 'grace@navy.example',
          lifecycleStage: 'lead',
          leadSource: 'event',
          tags: ['vip'],
          smsOptOut: true,
        },
        {
          key: 'alan',
          firstName: 'Alan',
          lastName: 'Turing',
          email: 'alan@bletchley.example',
          lifecycleStage: 'opportunity',
          leadSource: 'referral',
          tags: ['math'],
          companyId,
        },
        { key: 'katherine', firstName: 'Katherine', lastName: 'Johnson', email: 'kj@nasa.example', lifecycleStage: 'subscriber', emailOptOut: true },
      ];
      for (const { key, ...person } of people) {
        const created = await workspace.post('/contacts', person);
        expect(created.status).toBe(201);
        ids[key] = created.body.id;
      }
    });

    async function listIds(query: string): Promise<string[]> {
      const response = await workspace.get(`/contacts?${query}`);
      expect(response.status).toBe(200);
      return response.body.data.map((contact: { id: string }) => contact.id);
    }

    it('filters by lifecycle stage (one of), lead source, tags (has all), opt-outs, company and owner', async () => {
      expect((await listIds('lifecycleStage=customer,lead')).sort()).toEqual([ids.ada, ids.grace].sort());
      expect((await listIds('leadSource=referral')).sort()).toEqual([ids.ada, ids.alan].sort());
      expect(await listIds('tags=vip,math')).toEqual([ids.ada]);
      expect(await listIds('smsOptOut=true')).toEqual([ids.grace]);
      expect(await listIds('emailOptOut=true')).toEqual([ids.katherine]);
      expect((await listIds('emailOptOut=false')).length).toBe(3);
      const alan = await workspace.get(`/contacts/${ids.alan}`);
      expect(await listIds(`companyId=${alan.body.companyId}`)).toEqual([ids.alan]);
      expect((await listIds(`ownerId=${workspace.userId}`)).length).toBe(4);
      expect(await listIds(`ownerId=${randomUUID()}`)).toEqual([]);
    });

    it('filters by date ranges', async () => {
      const today = new Date().toISOString().slice(0, 10);
      expect(await listIds(`customerSinceFrom=${today}&customerSinceTo=${today}`)).toEqual([ids.ada]);
      expect((await listIds(`createdAtFrom=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`)).length).toBe(4);
      expect(await listIds(`createdAtTo=2000-01-01T00:00:00Z`)).toEqual([]);
      expect((await listIds(`updatedAtFrom=2000-01-01T00:00:00Z&updatedAtTo=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).length).toBe(
        4,
      );
    });

    it('sorts by lastName, createdAt and updatedAt in both directions', async () => {
      const byLastName = [ids.grace, ids.katherine, ids.ada, ids.alan];
      expect(await listIds('sort=lastName')).toEqual(byLastName);
      expect(await listIds('sort=-lastName')).toEqual([...byLastName].reverse());
      const byCreation = [ids.ada, ids.grace, ids.alan, ids.katherine];
      expect(await listIds('sort=createdAt')).toEqual(byCreation);
      expect(await listIds('sort=-createdAt')).toEqual([...byCreation].reverse());
      expect(await listIds('')).toEqual([...byCreation].reverse());
      await workspace.patch(`/contacts/${ids.ada}`, { jobTitle: 'Countess' });
      expect((await listIds('sort=-updatedAt'))[0]).toBe(ids.ada);
      expect((await listIds('sort=updatedAt')).at(-1)).toBe(ids.ada);
    });

    it('searches names by prefix, emails by prefix and domain, phones typed with spaces, and company names', async () => {
      expect(await listIds('q=Lov')).toEqual([ids.ada]);
      expect(await listIds('q=gra')).toEqual([ids.grace]);
      expect(await listIds('q=Turing')).toEqual([ids.alan]);
      expect(await listIds('q=ada%20lov')).toEqual([ids.ada]);
      expect(await listIds('q=kj@na')).toEqual([ids.katherine]);
      expect(await listIds('q=bletchley.example')).toEqual([ids.alan]);
      expect(await listIds('q=navy')).toEqual([ids.grace]);
      expect(await listIds(`q=${encodeURIComponent('7946 0958')}`)).toEqual([ids.ada]);
      expect(await listIds('q=Difference')).toEqual([ids.alan]);
      expect(await listIds('q=zzyzx')).toEqual([]);
    });

    it('refuses bad list parameters with 400 naming them', async () => {
      expectError(await workspace.get('/contacts?sort=email'), 400, 'sort');
      expectError(await workspace.get('/contacts?limit=0'), 400, 'limit');
      expectError(await workspace.get('/contacts?limit=501'), 400, 'limit');
      expectError(await workspace.get('/contacts?lifecycleStage=prospect'), 400, 'lifecycleStage');
      expectError(await workspace.get('/contacts?emailOptOut=maybe'), 400, 'emailOptOut');
      expectError(await workspace.get('/contacts?cursor=garbage'), 400, 'cursor');
    });

    it('refuses a date that does not exist as a customerSince bound with 400 invalid_parameter (the gateway and crm used to disagree)', async () => {
      for (const query of ['customerSinceFrom=2024-02-30', 'customerSinceTo=2023-02-29', 'createdAtFrom=2024-02-30T00:00:00Z']) {
        const response = await workspace.get(`/contacts?${query}`);
        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('invalid_parameter');
        expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([query.split('=')[0]]);
      }
    });

    it('pages through 250 contacts 100 at a time without gaps or repeats, and refuses a tampered cursor', async () => {
      const paged = await stack.signUp('paging');
      // Many contacts share a creation time, so the order also rests on the id.
      await stack.owner.query(
        `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, created_at, updated_at)
         SELECT gen_random_uuid(), $1, 'Person', 'Number ' || n, now() - (n % 7) * interval '1 minute', now() FROM generate_series(1, 250) AS n`,
        [paged.workspaceId],
      );
      for (const sort of ['-createdAt', 'lastName']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const response: { status: number; body: { data: Array<{ id: string }>; nextCursor: string | null } } = await paged.get(
            `/contacts?limit=100&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(response.status).toBe(200);
          seen.push(...response.body.data.map((contact) => contact.id));
          cursor = response.body.nextCursor;
          pages += 1;
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toHaveLength(250);
        expect(new Set(seen).size).toBe(250);
      }

      const first = await paged.get('/contacts?limit=100');
      const cursor: string = first.body.nextCursor;
      const [body, mac] = cursor.split('.');
      const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
      const tampered = `${Buffer.from(JSON.stringify({ ...payload, i: randomUUID() })).toString('base64url')}.${mac}`;
      expectError(await paged.get(`/contacts?limit=100&cursor=${encodeURIComponent(tampered)}`), 400, 'cursor');
      expectError(await paged.get(`/contacts?limit=100&sort=lastName&cursor=${encodeURIComponent(cursor)}`), 400, 'cursor');
    });
  });

  describe('events', () => {
    it('emits contact.created, updated (with changedFields), deleted and restored with the contact', async () => {
      const email = `${unique('events')}@example.com`;
      const created = await owner.post('/contacts', { firstName: 'Eve', lastName: 'Vents', email, phone: '+1 415 555 0199', tags: ['a'], leadSource: 'ads' });
      const id = created.body.id;
      const [createdEvent] = await outboxEvents(stack, 'contact.created', id);
      expect(createdEvent).toMatchObject({ aggregateId: id, actorId: owner.userId });
      expect(createdEvent!.data).toEqual({
        contact: {
          id,
          firstName: 'Eve',
          lastName: 'Vents',
          email,
          phone: '+14155550199',
          companyId: null,
          ownerId: owner.userId,
          lifecycleStage: 'lead',
          leadSource: 'ads',
          customerSince: null,
          emailOptOut: false,
          smsOptOut: false,
          tags: ['a'],
          createdAt: created.body.createdAt,
          customFields: {},
          phoneExtension: null,
          emails: [],
          phones: [],
          address: null,
          website: null,
          linkedinUrl: null,
          timezone: null,
          birthday: null,
        },
      });

      await owner.patch(`/contacts/${id}`, { lifecycleStage: 'customer', tags: ['a', 'b'] });
      const [updatedEvent] = await outboxEvents(stack, 'contact.updated', id);
      expect(updatedEvent!.data.changedFields.sort()).toEqual(['customerSince', 'lifecycleStage', 'tags']);
      expect(updatedEvent!.data.contact).toMatchObject({ lifecycleStage: 'customer', tags: ['a', 'b'], customerSince: expect.any(String) });

      await owner.delete(`/contacts/${id}`);
      expect((await outboxEvents(stack, 'contact.deleted', id)).map((event) => event.data)).toEqual([{ contactId: id }]);
      await owner.post(`/contacts/${id}/restore`);
      const [restoredEvent] = await outboxEvents(stack, 'contact.restored', id);
      expect(restoredEvent!.data.contact).toMatchObject({ id, email, lifecycleStage: 'customer' });
    });

    it('writes no event when a write is refused', async () => {
      const before = (await outboxEvents(stack, 'contact.created')).length;
      await owner.post('/contacts', { firstName: 'Nope', email: 'nope' });
      expect((await outboxEvents(stack, 'contact.created')).length).toBe(before);
    });
  });

  describe('opt-outs from notifications', () => {
    it('sets emailOptOut or smsOptOut on contact.unsubscribed and announces the change', async () => {
      const created = await owner.post('/contacts', { firstName: 'Leaving', email: `${unique('leaving')}@example.com` });
      const id = created.body.id;
      const nats = await connect({ servers: stack.environment.natsUrl });
      try {
        for (const channel of ['email', 'sms']) {
          const envelope: DomainEvent = {
            id: newId(),
            type: 'contact.unsubscribed',
            version: 1,
            occurredAt: new Date().toISOString(),
            workspaceId: owner.workspaceId,
            actorId: null,
            aggregateId: id,
            data: { contactId: id, channel },
          };
          await jetstream(nats).publish(subjectFor(stack.environment.natsNamespace, 'notifications', envelope.type), JSON.stringify(envelope), {
            msgID: envelope.id,
          });
        }
      } finally {
        await nats.close();
      }
      const contact = await eventually(async () => {
        const response = await owner.get(`/contacts/${id}`);
        return response.body.emailOptOut && response.body.smsOptOut ? response.body : null;
      });
      expect(contact).toMatchObject({ emailOptOut: true, smsOptOut: true });
      const events = await eventually(async () => {
        const found = await outboxEvents(stack, 'contact.updated', id);
        return found.length === 2 ? found : null;
      });
      expect(events.map((event) => event.data.changedFields)).toEqual([['emailOptOut'], ['smsOptOut']]);
      expect(events[1]!.data.contact).toMatchObject({ id, emailOptOut: true, smsOptOut: true });
    });
  });
});
