import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('companies', () => {
  let stack: CrmStack;
  let owner: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-companies');
    owner = await stack.signUp('companies');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** A domain no other test uses. */
  const uniqueDomain = (label = 'co') => `${label}-${randomUUID().slice(0, 8)}.example`;

  async function createCompany(caller: Caller, body: Record<string, unknown>): Promise<any> {
    const response = await caller.post('/companies', body);
    expect(response.status).toBe(201);
    return response.body;
  }

  async function companyCount(workspaceId: string): Promise<number> {
    const rows: Array<{ count: number }> = await stack.owner.query('SELECT count(*)::int AS count FROM crm.companies WHERE workspace_id = $1', [workspaceId]);
    return rows[0]!.count;
  }

  async function insertContact(workspaceId: string, company: { id: string; name: string }): Promise<string> {
    const id = randomUUID();
    await stack.owner.query('INSERT INTO crm.contacts (id, workspace_id, first_name, company_id, company_name) VALUES ($1, $2, $3, $4, $5)', [
      id,
      workspaceId,
      'Ada',
      company.id,
      company.name,
    ]);
    return id;
  }

  describe('create and read', () => {
    it('creates a company with every field, normalised, owned by the caller', async () => {
      const response = await owner.post('/companies', {
        name: '  Acme Corporation ',
        domain: 'https://www.Acme-Create.com/about',
        industry: 'Software',
        size: '51-200',
        phone: '+44 20 7946 0958',
        address: { line1: '1 High Street', city: 'London', postalCode: 'EC1A 1AA', country: 'gb' },
        tags: ['customer', ' vip ', 'Customer'],
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        name: 'Acme Corporation',
        domain: 'acme-create.com',
        industry: 'Software',
        size: '51-200',
        phone: '+442079460958',
        address: { line1: '1 High Street', line2: null, city: 'London', region: null, postalCode: 'EC1A 1AA', country: 'GB' },
        ownerId: owner.userId,
        tags: ['customer', 'vip'],
        customFields: {},
        deletedAt: null,
      });
      expect(response.body.id).toEqual(expect.any(String));
      expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);

      const read = await owner.get(`/companies/${response.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ ...response.body, contactCount: 0, dealCount: 0 });
    });

    it('reads a phone without a country code in the workspace’s default region', async () => {
      const company = await createCompany(owner, { name: 'Local Phone Ltd', phone: '(415) 555-2671' });
      expect(company.phone).toBe('+14155552671');
    });

    it('counts the live contacts of a company', async () => {
      const company = await createCompany(owner, { name: 'Counted Inc' });
      await insertContact(owner.workspaceId, company);
      await insertContact(owner.workspaceId, company);
      const read = await owner.get(`/companies/${company.id}`);
      expect(read.body).toMatchObject({ contactCount: 2, dealCount: 0 });
    });

    it('emits company.created with the record', async () => {
      const company = await createCompany(owner, { name: 'Evented Ltd', domain: uniqueDomain('evented'), industry: 'Retail', size: '1-10', tags: ['a'] });
      const events = await outboxEvents(stack, 'company.created', company.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.actorId).toBe(owner.userId);
      expect(events[0]!.data).toEqual({
        company: {
          id: company.id,
          name: 'Evented Ltd',
          domain: company.domain,
          industry: 'Retail',
          size: '1-10',
          ownerId: owner.userId,
          tags: ['a'],
          customFields: {},
          website: null,
          linkedinUrl: null,
          employees: null,
          annualRevenueAmount: null,
          annualRevenueCurrency: null,
        },
      });
    });

    it('keeps website, LinkedIn, head count and annual revenue; a company without a domain takes its website’s', async () => {
      const domain = uniqueDomain('site');
      const company = await createCompany(owner, {
        name: 'Websited Ltd',
        website: `www.${domain}/about`,
        linkedinUrl: 'linkedin.com/company/websited',
        employees: 120,
        annualRevenue: { amount: 1_250_000_000, currency: 'EUR' },
        address: { country: 'Germany' },
      });
      expect(company).toMatchObject({
        domain,
        website: `https://www.${domain}/about`,
        linkedinUrl: 'https://linkedin.com/company/websited',
        employees: 120,
        annualRevenue: { amount: 1_250_000_000, currency: 'EUR' },
        address: { country: 'DE' },
      });
      const cleared = await owner.patch(`/companies/${company.id}`, { annualRevenue: null, employees: null });
      expect(cleared.body).toMatchObject({ annualRevenue: null, employees: null, domain });
      const [event] = await outboxEvents(stack, 'company.created', company.id);
      expect(event!.data.company).toMatchObject({
        website: `https://www.${domain}/about`,
        employees: 120,
        annualRevenueAmount: 1_250_000_000,
        annualRevenueCurrency: 'EUR',
      });
    });
  });

  describe('bad input', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an empty name', { name: '   ' }, 'name'],
      ['a missing name', { domain: 'missing-name.com' }, 'name'],
      ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
      ['a domain that is not one', { name: 'Bad Domain', domain: 'not a domain' }, 'domain'],
      ['an unknown size', { name: 'Bad Size', size: 'huge' }, 'size'],
      ['a country that is not ISO 3166-1', { name: 'Bad Country', address: { country: 'XX' } }, 'address.country'],
      ['an unknown address field', { name: 'Bad Address', address: { street: 'Main' } }, 'address.street'],
      ['a phone that is not one', { name: 'Bad Phone', phone: '12' }, 'phone'],
      ['an owner that is not a user id', { name: 'Bad Owner', ownerId: 'bob' }, 'ownerId'],
      ['more than 50 tags', { name: 'Tagged', tags: Array.from({ length: 51 }, (_, index) => `t${index}`) }, 'tags'],
      ['an unknown field', { name: 'Unknown', revenue: 10 }, 'revenue'],
      ['a country name that names none', { name: 'Bad Country', address: { country: 'Atlantis' } }, 'address.country'],
      ['a website that is not one', { name: 'Bad Site', website: 'not a site' }, 'website'],
      ['a LinkedIn address elsewhere', { name: 'Bad Link', linkedinUrl: 'https://example.com/acme' }, 'linkedinUrl'],
      ['a negative head count', { name: 'Bad Count', employees: -1 }, 'employees'],
      ['an annual revenue in no currency', { name: 'Bad Revenue', annualRevenue: { amount: 100, currency: 'XYZ' } }, 'annualRevenue.currency'],
      ['an annual revenue that is not minor units', { name: 'Bad Revenue', annualRevenue: { amount: 10.5, currency: 'USD' } }, 'annualRevenue.amount'],
    ];

    it.each(cases)('refuses %s with 422 naming the field and stores nothing', async (_label, body, field) => {
      const before = await companyCount(owner.workspaceId);
      const response = await owner.post('/companies', body);
      expectError(response, 422, field);
      expect(await companyCount(owner.workspaceId)).toBe(before);
    });

    it('refuses a bad domain on update and leaves the company as it was', async () => {
      const company = await createCompany(owner, { name: 'Keep Me', domain: uniqueDomain('keep') });
      const response = await owner.patch(`/companies/${company.id}`, { domain: 'http://', name: 'Renamed' });
      expectError(response, 422, 'domain');
      expect((await owner.get(`/companies/${company.id}`)).body).toMatchObject({ name: 'Keep Me', domain: company.domain });
    });

    it('refuses null for the name on update', async () => {
      const company = await createCompany(owner, { name: 'Named' });
      expectError(await owner.patch(`/companies/${company.id}`, { name: null }), 422, 'name');
    });
  });

  describe('custom fields', () => {
    beforeAll(async () => {
      await stack.owner.query(
        `INSERT INTO crm.custom_field_definitions (id, workspace_id, entity, key, label, type, options)
         VALUES ($1, $2, 'company', 'employees', 'Employees', 'number', '{}'), ($3, $2, 'company', 'tier', 'Tier', 'select', '{gold,silver}')`,
        [randomUUID(), owner.workspaceId, randomUUID()],
      );
    });

    it('stores values that fit their definitions and merges changes key by key', async () => {
      const company = await createCompany(owner, { name: 'Custom Co', customFields: { employees: 42, tier: 'gold' } });
      expect(company.customFields).toEqual({ employees: 42, tier: 'gold' });
      const updated = await owner.patch(`/companies/${company.id}`, { customFields: { tier: null, employees: 43 } });
      expect(updated.status).toBe(200);
      expect(updated.body.customFields).toEqual({ employees: 43 });
    });

    it('refuses a value of the wrong type with 422 naming customFields.<key>', async () => {
      const before = await companyCount(owner.workspaceId);
      expectError(await owner.post('/companies', { name: 'Wrong Type', customFields: { employees: 'many' } }), 422, 'customFields.employees');
      expectError(await owner.post('/companies', { name: 'Wrong Option', customFields: { tier: 'bronze' } }), 422, 'customFields.tier');
      expectError(await owner.post('/companies', { name: 'Undefined Key', customFields: { colour: 'red' } }), 422, 'customFields.colour');
      expect(await companyCount(owner.workspaceId)).toBe(before);
    });
  });

  describe('domain uniqueness', () => {
    it('normalises URLs and www. so the same domain in another form is a duplicate (409 naming the holder)', async () => {
      const company = await createCompany(owner, { name: 'Acme', domain: 'https://www.Acme.com/about' });
      expect(company.domain).toBe('acme.com');
      const duplicate = await owner.post('/companies', { name: 'Acme again', domain: 'ACME.com' });
      expectError(duplicate, 409, 'domain');
      expect(duplicate.body.error.details[0].existingId).toBe(company.id);
    });

    it('refuses to take another live company’s domain on update', async () => {
      const holder = await createCompany(owner, { name: 'Holder', domain: uniqueDomain('held') });
      const other = await createCompany(owner, { name: 'Other' });
      const response = await owner.patch(`/companies/${other.id}`, { domain: `www.${holder.domain}` });
      expectError(response, 409, 'domain');
      expect(response.body.error.details[0].existingId).toBe(holder.id);
      expect((await owner.get(`/companies/${other.id}`)).body.domain).toBeNull();
    });

    it('lets only one of two simultaneous creates of a domain win', async () => {
      const domain = uniqueDomain('race');
      const responses = await Promise.all([
        owner.post('/companies', { name: 'Racer A', domain }),
        owner.post('/companies', { name: 'Racer B', domain: `https://${domain}/` }),
      ]);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([201, 409]);
      const winner = responses.find((response) => response.status === 201)!;
      const loser = responses.find((response) => response.status === 409)!;
      expect(loser.body.error.details[0]).toMatchObject({ field: 'domain', existingId: winner.body.id });
      const rows = await stack.owner.query('SELECT id FROM crm.companies WHERE workspace_id = $1 AND domain = $2', [owner.workspaceId, domain]);
      expect(rows).toHaveLength(1);
    });

    it('lets another workspace use the same domain', async () => {
      const domain = uniqueDomain('shared');
      await createCompany(owner, { name: 'Here', domain });
      const elsewhere = await stack.signUp('elsewhere');
      await createCompany(elsewhere, { name: 'There', domain });
    });

    it('frees the domain of a deleted company', async () => {
      const domain = uniqueDomain('freed');
      const first = await createCompany(owner, { name: 'First', domain });
      expect((await owner.delete(`/companies/${first.id}`)).status).toBe(204);
      await createCompany(owner, { name: 'Second', domain });
    });
  });

  describe('update', () => {
    it('changes the given fields, clears nulls, keeps absent ones, and emits company.updated naming the changes', async () => {
      const company = await createCompany(owner, {
        name: 'Before',
        domain: uniqueDomain('upd'),
        industry: 'Retail',
        size: '1-10',
        phone: '+14155552671',
        tags: ['x'],
      });
      const response = await owner.patch(`/companies/${company.id}`, { industry: null, size: '11-50', tags: ['y', 'z'] });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'Before', domain: company.domain, industry: null, size: '11-50', phone: '+14155552671', tags: ['y', 'z'] });
      expect(new Date(response.body.updatedAt).getTime()).toBeGreaterThan(new Date(company.updatedAt).getTime());
      const events = await outboxEvents(stack, 'company.updated', company.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.data.changedFields.sort()).toEqual(['industry', 'size', 'tags']);
      expect(events[0]!.data.company).toMatchObject({ id: company.id, size: '11-50', tags: ['y', 'z'] });
    });

    it('emits nothing when nothing changes', async () => {
      const company = await createCompany(owner, { name: 'Same', industry: 'Retail' });
      const response = await owner.patch(`/companies/${company.id}`, { name: 'Same', industry: 'Retail' });
      expect(response.status).toBe(200);
      expect(response.body.updatedAt).toBe(company.updatedAt);
      expect(await outboxEvents(stack, 'company.updated', company.id)).toHaveLength(0);
    });

    it('renames the company on its contacts (live and deleted) in the same write', async () => {
      const company = await createCompany(owner, { name: 'Old Name Ltd' });
      const live = await insertContact(owner.workspaceId, company);
      const deleted = await insertContact(owner.workspaceId, company);
      await stack.owner.query('UPDATE crm.contacts SET deleted_at = now() WHERE id = $1', [deleted]);
      const unrelated = await insertContact(owner.workspaceId, { id: (await createCompany(owner, { name: 'Old Name Ltd' })).id, name: 'Old Name Ltd' });

      expect((await owner.patch(`/companies/${company.id}`, { name: 'New Name Ltd' })).status).toBe(200);
      const rows: Array<{ id: string; company_name: string }> = await stack.owner.query('SELECT id, company_name FROM crm.contacts WHERE id = ANY($1)', [
        [live, deleted, unrelated],
      ]);
      const names = Object.fromEntries(rows.map((row) => [row.id, row.company_name]));
      expect(names).toEqual({ [live]: 'New Name Ltd', [deleted]: 'New Name Ltd', [unrelated]: 'Old Name Ltd' });
    });

    it('replaces the address as a whole and clears it with null', async () => {
      const company = await createCompany(owner, { name: 'Moving Co', address: { line1: '1 Old Road', city: 'Leeds', country: 'GB' } });
      const moved = await owner.patch(`/companies/${company.id}`, { address: { city: 'Paris', country: 'FR' } });
      expect(moved.body.address).toEqual({ line1: null, line2: null, city: 'Paris', region: null, postalCode: null, country: 'FR' });
      const cleared = await owner.patch(`/companies/${company.id}`, { address: null });
      expect(cleared.body.address).toBeNull();
    });
  });

  describe('delete and restore', () => {
    it('soft-deletes: gone from the list, still readable with deletedAt, listed with deleted=true; contacts keep their company', async () => {
      const company = await createCompany(owner, { name: 'Doomed Ltd', domain: uniqueDomain('doomed'), tags: ['doomed'] });
      const contact = await insertContact(owner.workspaceId, company);
      expect((await owner.delete(`/companies/${company.id}`)).status).toBe(204);

      const read = await owner.get(`/companies/${company.id}`);
      expect(read.status).toBe(200);
      expect(read.body.deletedAt).toEqual(expect.any(String));
      expect((await owner.get('/companies?tags=doomed')).body.data).toEqual([]);
      expect((await owner.get('/companies?tags=doomed&deleted=true')).body.data.map((row: { id: string }) => row.id)).toEqual([company.id]);
      const [row] = await stack.owner.query('SELECT company_id FROM crm.contacts WHERE id = $1', [contact]);
      expect(row.company_id).toBe(company.id);

      expect(await outboxEvents(stack, 'company.deleted', company.id)).toEqual([expect.objectContaining({ data: { companyId: company.id } })]);
      expectError(await owner.patch(`/companies/${company.id}`, { name: 'Zombie' }), 404);
      expectError(await owner.delete(`/companies/${company.id}`), 404);
    });

    it('restores a deleted company with company.restored; restoring a live one returns it unchanged', async () => {
      const company = await createCompany(owner, { name: 'Phoenix Ltd', domain: uniqueDomain('phoenix') });
      await owner.delete(`/companies/${company.id}`);
      const restored = await owner.post(`/companies/${company.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ id: company.id, name: 'Phoenix Ltd', domain: company.domain, deletedAt: null });
      const events = await outboxEvents(stack, 'company.restored', company.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.data.company).toMatchObject({ id: company.id, name: 'Phoenix Ltd' });

      const again = await owner.post(`/companies/${company.id}/restore`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(restored.body);
      expect(await outboxEvents(stack, 'company.restored', company.id)).toHaveLength(1);
    });

    it('refuses to restore a company whose domain another live company took meanwhile (409 naming it)', async () => {
      const domain = uniqueDomain('taken');
      const original = await createCompany(owner, { name: 'Original', domain });
      await owner.delete(`/companies/${original.id}`);
      const successor = await createCompany(owner, { name: 'Successor', domain });
      const response = await owner.post(`/companies/${original.id}/restore`);
      expectError(response, 409, 'domain');
      expect(response.body.error.details[0].existingId).toBe(successor.id);
      expect((await owner.get(`/companies/${original.id}`)).body.deletedAt).toEqual(expect.any(String));
      expect(await outboxEvents(stack, 'company.restored', original.id)).toHaveLength(0);
    });
  });

  describe('list', () => {
    let lister: Caller;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      lister = await stack.signUp('lister');
      const member = await stack.as(lister, 'member');
      const specs: Array<[string, Record<string, unknown>, Caller]> = [
        ['globex', { name: 'Globex', domain: 'globex.com', industry: 'Energy', size: '1001-5000', tags: ['enterprise', 'emea'] }, lister],
        ['initech', { name: 'initech', domain: 'initech.io', industry: 'Software', size: '51-200', tags: ['smb'], phone: '+1 212 555 0199' }, lister],
        ['hooli', { name: 'Hooli', domain: 'hooli.xyz', industry: 'Software', size: '10001+', tags: ['enterprise'] }, member],
        ['umbrella', { name: 'Umbrella Corporation', domain: 'umbrella-corp.com', industry: 'Pharma', size: '5001-10000', tags: ['emea'] }, lister],
        ['acme', { name: 'acme widgets', industry: 'Manufacturing', size: '11-50' }, lister],
      ];
      for (const [key, body, caller] of specs) ids[key] = (await createCompany(caller, body)).id;
    });

    const names = (response: { body: { data: Array<{ name: string }> } }) => response.body.data.map((row) => row.name);

    it('lists newest first by default', async () => {
      const response = await lister.get('/companies');
      expect(response.status).toBe(200);
      expect(names(response)).toEqual(['acme widgets', 'Umbrella Corporation', 'Hooli', 'initech', 'Globex']);
      expect(response.body.nextCursor).toBeNull();
    });

    it('sorts by name case-insensitively, ascending and descending, and by createdAt ascending', async () => {
      expect(names(await lister.get('/companies?sort=name'))).toEqual(['acme widgets', 'Globex', 'Hooli', 'initech', 'Umbrella Corporation']);
      expect(names(await lister.get('/companies?sort=-name'))).toEqual(['Umbrella Corporation', 'initech', 'Hooli', 'Globex', 'acme widgets']);
      expect(names(await lister.get('/companies?sort=createdAt'))).toEqual(['Globex', 'initech', 'Hooli', 'Umbrella Corporation', 'acme widgets']);
    });

    it('filters by industry, size, tags, owner, domain and creation time', async () => {
      expect(names(await lister.get('/companies?industry=Software&sort=name'))).toEqual(['Hooli', 'initech']);
      expect(names(await lister.get('/companies?size=1001-5000,10001%2B&sort=name'))).toEqual(['Globex', 'Hooli']);
      expect(names(await lister.get('/companies?tags=enterprise,emea'))).toEqual(['Globex']);
      const hooli = await lister.get(`/companies/${ids.hooli}`);
      expect(names(await lister.get(`/companies?ownerId=${hooli.body.ownerId}`))).toEqual(['Hooli']);
      expect(names(await lister.get(`/companies?domain=${encodeURIComponent('https://www.Initech.io/jobs')}`))).toEqual(['initech']);
      const umbrella = await lister.get(`/companies/${ids.umbrella}`);
      expect(names(await lister.get(`/companies?createdAtFrom=${encodeURIComponent(umbrella.body.createdAt)}&sort=createdAt`))).toEqual([
        'Umbrella Corporation',
        'acme widgets',
      ]);
      expect(names(await lister.get(`/companies?createdAtTo=${encodeURIComponent(umbrella.body.createdAt)}&sort=createdAt&industry=Software`))).toEqual([
        'initech',
        'Hooli',
      ]);
    });

    it('pages with a cursor until the end, each company once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/companies?sort=name&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await lister.get(query);
        expect(response.status).toBe(200);
        seen.push(...names(response));
        cursor = response.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(['acme widgets', 'Globex', 'Hooli', 'initech', 'Umbrella Corporation']);
    });

    it('refuses a tampered cursor, a cursor of another sort, an unknown sort and a limit out of range with 400', async () => {
      const first = await lister.get('/companies?sort=name&limit=1');
      const cursor: string = first.body.nextCursor;
      const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
      expectError(await lister.get(`/companies?sort=name&limit=1&cursor=${encodeURIComponent(tampered)}`), 400, 'cursor');
      expectError(await lister.get(`/companies?sort=-name&limit=1&cursor=${encodeURIComponent(cursor)}`), 400, 'cursor');
      expectError(await lister.get('/companies?sort=industry'), 400, 'sort');
      expectError(await lister.get('/companies?limit=501'), 400, 'limit');
      expectError(await lister.get('/companies?size=huge'), 400, 'size');
    });

    it('searches names by word prefix, domains and phones', async () => {
      expect(names(await lister.get('/companies?q=umbr'))).toEqual(['Umbrella Corporation']);
      expect(names(await lister.get('/companies?q=corp'))).toEqual(['Umbrella Corporation']);
      expect(names(await lister.get('/companies?q=widg'))).toEqual(['acme widgets']);
      expect(names(await lister.get('/companies?q=initech.io'))).toEqual(['initech']);
      expect(names(await lister.get('/companies?q=hooli.xyz'))).toEqual(['Hooli']);
      expect(names(await lister.get('/companies?q=globex'))).toEqual(['Globex']);
      expect(names(await lister.get(`/companies?q=${encodeURIComponent('212 555 0199')}`))).toEqual(['initech']);
      expect(names(await lister.get('/companies?q=nothing-like-this'))).toEqual([]);
    });
  });

  describe('access', () => {
    it('lets a member write only the companies they own', async () => {
      const member = await stack.as(owner, 'member');
      const own = await createCompany(member, { name: 'Member Made' });
      expect(own.ownerId).toBe(member.userId);
      expect((await member.patch(`/companies/${own.id}`, { industry: 'Media' })).status).toBe(200);

      const ownersCompany = await createCompany(owner, { name: 'Owner Made' });
      expectError(await member.patch(`/companies/${ownersCompany.id}`, { name: 'Hijacked' }), 403);
      expectError(await member.delete(`/companies/${ownersCompany.id}`), 403);
      expectError(await member.post('/companies', { name: 'For Someone Else', ownerId: owner.userId }), 403);
      expectError(await member.patch(`/companies/${own.id}`, { ownerId: owner.userId }), 403);
      expect((await owner.get(`/companies/${ownersCompany.id}`)).body.name).toBe('Owner Made');
      expect((await member.get(`/companies/${ownersCompany.id}`)).status).toBe(200);
    });

    it('lets a manager change anyone’s company and hand it over', async () => {
      const manager = await stack.as(owner, 'manager');
      const company = await createCompany(owner, { name: 'Handed Over' });
      const response = await manager.patch(`/companies/${company.id}`, { ownerId: manager.userId });
      expect(response.status).toBe(200);
      expect(response.body.ownerId).toBe(manager.userId);
    });

    it('lets a viewer read but not write', async () => {
      const viewer = await stack.as(owner, 'viewer');
      const company = await createCompany(owner, { name: 'Look Only' });
      expect((await viewer.get(`/companies/${company.id}`)).status).toBe(200);
      expect((await viewer.get('/companies')).status).toBe(200);
      expectError(await viewer.post('/companies', { name: 'Viewer Made' }), 403);
      expectError(await viewer.patch(`/companies/${company.id}`, { name: 'Viewer Edit' }), 403);
      expectError(await viewer.delete(`/companies/${company.id}`), 403);
      expectError(await viewer.post(`/companies/${company.id}/restore`), 403);
    });

    it('lets an API key with companies:write create unowned companies', async () => {
      const key = await stack.apiKey(owner, ['companies:read', 'companies:write']);
      const company = await createCompany(key, { name: 'Synced In' });
      expect(company.ownerId).toBeNull();
      const events = await outboxEvents(stack, 'company.created', company.id);
      expect(events[0]!.actorId).toBeNull();
    });

    it('answers 404 for another workspace’s company, an unknown id and an id that is not a UUID', async () => {
      const company = await createCompany(owner, { name: 'Private Ltd' });
      const stranger = await stack.signUp('stranger');
      expectError(await stranger.get(`/companies/${company.id}`), 404);
      expectError(await stranger.patch(`/companies/${company.id}`, { name: 'Stolen' }), 404);
      expectError(await stranger.delete(`/companies/${company.id}`), 404);
      expectError(await stranger.post(`/companies/${company.id}/restore`), 404);
      expect((await stranger.get('/companies')).body.data).toEqual([]);
      expectError(await owner.get(`/companies/${randomUUID()}`), 404);
      expectError(await owner.get('/companies/not-a-uuid'), 404);
      expect((await owner.get(`/companies/${company.id}`)).body.name).toBe('Private Ltd');
    });
  });
});
