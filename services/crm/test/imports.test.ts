import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { eventually, expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

let stack: CrmStack;

/** POST /imports as a browser would: multipart with the file and the form fields. */
async function upload(caller: Caller, content: string | Buffer, fields: Record<string, string> = { entity: 'contacts' }, fileName = 'contacts.csv') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([content]), fileName);
  const response = await fetch(`${stack.api}/imports`, { method: 'POST', headers: { authorization: `Bearer ${caller.token}` }, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Uploads and waits for the import to finish; returns GET /imports/:id. */
async function imported(caller: Caller, content: string | Buffer, fields?: Record<string, string>, fileName?: string): Promise<any> {
  const response = await upload(caller, content, fields, fileName);
  expect(response.status).toBe(202);
  return eventually(async () => {
    const status = await caller.get(`/imports/${response.body.id}`);
    return ['completed', 'failed', 'cancelled'].includes(status.body.status) ? status.body : null;
  }, 30_000);
}

async function contactByEmail(caller: Caller, email: string): Promise<any> {
  const rows = await stack.owner.query(`SELECT id FROM crm.contacts WHERE workspace_id = $1 AND lower(email) = lower($2) AND deleted_at IS NULL`, [
    caller.workspaceId,
    email,
  ]);
  if (rows.length !== 1) return null;
  return (await caller.get(`/contacts/${rows[0].id}`)).body;
}

async function liveContacts(caller: Caller): Promise<number> {
  const rows = await stack.owner.query(`SELECT count(*)::int AS n FROM crm.contacts WHERE workspace_id = $1 AND deleted_at IS NULL`, [caller.workspaceId]);
  return rows[0].n;
}

beforeAll(async () => {
  stack = await startCrmStack('imports');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('parsing', () => {
  const cases: Array<[string, Buffer]> = [
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Email,First Name\nbom@example.com,Zoë\n')])],
    ['UTF-16 LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email,First Name\r\nutf16@example.com,Zoë\r\n', 'utf16le')])],
    ['semicolons', Buffer.from('Email;First Name\nsemi@example.com;Zoë\n')],
    ['tabs', Buffer.from('Email\tFirst Name\ntab@example.com\tZoë\n')],
  ];
  it.each(cases)('reads a CSV file with %s', async (_label, content) => {
    const owner = await stack.signUp();
    const result = await imported(owner, content);
    expect(result).toMatchObject({ status: 'completed', created: 1, failed: 0, total: 1 });
    const [{ email, firstName }] = await stack.owner.query(`SELECT email, first_name AS "firstName" FROM crm.contacts WHERE workspace_id = $1`, [
      owner.workspaceId,
    ]);
    expect(email).toMatch(/@example\.com$/);
    expect(firstName).toBe('Zoë');
  });

  it('reads quoted fields holding commas, quotes and newlines, and counts lines as in the file', async () => {
    const owner = await stack.signUp();
    const csv = 'Email,First Name,Job Title\n"quoted@example.com","Ada, Countess","Head of ""R&D""\nand more"\nnot-an-email,Bad,Row\n';
    const result = await imported(owner, csv);
    expect(result).toMatchObject({ status: 'completed', created: 1, failed: 1 });
    expect(result.errors).toEqual([{ row: 4, message: expect.stringContaining('email') }]);
    const contact = await contactByEmail(owner, 'quoted@example.com');
    expect(contact).toMatchObject({ firstName: 'Ada, Countess', jobTitle: 'Head of "R&D"\nand more' });
  });

  it('reads the first sheet of an XLSX workbook', async () => {
    const owner = await stack.signUp();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Contacts');
    sheet.addRow(['Email', 'First Name', 'Last Name']);
    sheet.addRow(['xlsx@example.com', 'Grace', 'Hopper']);
    const result = await imported(owner, Buffer.from(await workbook.xlsx.writeBuffer()), { entity: 'contacts' }, 'contacts.xlsx');
    expect(result).toMatchObject({ status: 'completed', created: 1 });
    expect(await contactByEmail(owner, 'xlsx@example.com')).toMatchObject({ firstName: 'Grace', lastName: 'Hopper' });
  });
});

describe('column mapping', () => {
  it('recognises HubSpot, Salesforce and Pipedrive export headers', async () => {
    const owner = await stack.signUp();
    await imported(
      owner,
      'First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage\nAda,Lovelace,hub@example.com,+44 20 7946 0018,Analytical Engines,Marketing Qualified Lead\n',
    );
    expect(await contactByEmail(owner, 'hub@example.com')).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+442079460018',
      companyName: 'Analytical Engines',
      lifecycleStage: 'marketing_qualified',
    });
    await imported(owner, 'FirstName,LastName,Email,Phone,Account.Name,LeadSource\nGrace,Hopper,sf@example.com,+1 415 555 0100,Navy,Web\n');
    expect(await contactByEmail(owner, 'sf@example.com')).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', companyName: 'Navy', leadSource: 'Web' });
    const pipedrive = await imported(
      owner,
      'Person - Name,Person - Email,Person - Phone,Person - Organization,Favourite colour\nAlan Mathison Turing,pd@example.com,+44 161 496 0000,Bletchley,green\n',
    );
    expect(await contactByEmail(owner, 'pd@example.com')).toMatchObject({ firstName: 'Alan', lastName: 'Mathison Turing', companyName: 'Bletchley' });
    expect(pipedrive.unmappedColumns).toEqual(['Favourite colour']);
    expect(pipedrive.mapping).toMatchObject({ 'Person - Name': 'fullName', 'Person - Email': 'email' });
  });

  it('maps numbered, Google and Outlook layouts: several email and phone columns fill the primary then additional values', async () => {
    const owner = await stack.signUp();
    const generic = await imported(
      owner,
      'First Name,Last Name,Company,City,Country,Zip,Phone 1,Phone 2,Email 1,Email 2,Subscription Date,Website\n' +
        'Ada,Lovelace,Engines,London,United Kingdom,N1 9GU,+1-940-986-3836x4639,229.077.5154,num1@example.com,num2@example.com,2024-01-02,ada.example.com\n' +
        'Only,Second,,,,,,(496)978-3969,,,,\n',
    );
    expect(generic).toMatchObject({ status: 'completed', created: 2, failed: 0 });
    expect(generic.unmappedColumns).toEqual(['Subscription Date']);
    expect(await contactByEmail(owner, 'num1@example.com')).toMatchObject({
      phone: '+19409863836',
      phoneExtension: '4639',
      phones: [{ phone: '+12290775154', label: null, extension: null }],
      emails: [{ email: 'num2@example.com', label: null }],
      address: { city: 'London', country: 'GB', postalCode: 'N1 9GU' },
      website: 'https://ada.example.com',
    });
    const [secondOnly] = await stack.owner.query(`SELECT phone FROM crm.contacts WHERE workspace_id = $1 AND last_name = 'Second'`, [owner.workspaceId]);
    expect(secondOnly.phone).toBe('+14969783969');

    const google = await imported(
      owner,
      'Name,Given Name,Family Name,E-mail 1 - Value,E-mail 2 - Value,Phone 1 - Value,Address 1 - City,Address 1 - Country\nGrace Hopper,Grace,Hopper,g1@example.com,g2@example.com,001-415-555-0123,Arlington,USA\n',
    );
    expect(google).toMatchObject({ created: 1, failed: 0 });
    expect(await contactByEmail(owner, 'g1@example.com')).toMatchObject({
      emails: [{ email: 'g2@example.com' }],
      phone: '+14155550123',
      address: { city: 'Arlington', country: 'US' },
    });

    const outlook = await imported(
      owner,
      'First Name,Last Name,E-mail Address,E-mail 2 Address,Business Phone,Mobile Phone,Business City,Business Country/Region\nAlan,Turing,o1@example.com,o2@example.com,+44 161 496 0001,+44 7700 900001,Manchester,England\n',
    );
    expect(outlook).toMatchObject({ created: 1, failed: 0, unmappedColumns: [] });
    expect(await contactByEmail(owner, 'o1@example.com')).toMatchObject({
      emails: [{ email: 'o2@example.com' }],
      phone: '+441614960001',
      phones: [{ phone: '+447700900001' }],
      address: { city: 'Manchester', country: 'GB' },
    });
  });

  it('lets an explicit mapping override the headers, skip columns and fill custom fields', async () => {
    const owner = await stack.signUp();
    expect((await owner.post('/custom-fields', { entity: 'contact', key: 'shoe_size', label: 'Shoe size', type: 'number' })).status).toBe(201);
    expect(
      (await owner.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Customer tier', type: 'select', options: ['gold', 'silver'] })).status,
    ).toBe(201);
    const result = await imported(owner, 'E-mail address here,Title,Shoe Size,Customer Tier,Notes\nmap@example.com,CTO,44,Gold,ignored\n', {
      entity: 'contacts',
      mapping: JSON.stringify({ 'E-mail address here': 'email', Title: null }),
    });
    expect(result.unmappedColumns).toEqual(['Notes']);
    expect(await contactByEmail(owner, 'map@example.com')).toMatchObject({ jobTitle: null, customFields: { shoe_size: 44, tier: 'gold' } });
  });
});

describe('merge on match', () => {
  it('matches contacts by email ignoring case, then by phone, fills empty fields and queues differing values as conflicts', async () => {
    const owner = await stack.signUp();
    const existing = (await owner.post('/contacts', { email: 'Ada@Example.com', firstName: 'Ada', lifecycleStage: 'lead', tags: ['vip'] })).body;
    const byPhone = (await owner.post('/contacts', { phone: '+1 415 555 0101', firstName: 'Phone' })).body;
    const result = await imported(
      owner,
      'Email,First Name,Last Name,Phone Number,Lifecycle Stage,Tags\nada@example.com,Augusta,Lovelace,,customer,new;VIP\n,,Person,+14155550101,,\n',
    );
    expect(result).toMatchObject({ created: 0, updated: 2, conflicts: 1 });
    expect((await owner.get(`/contacts/${existing.id}`)).body).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      lifecycleStage: 'customer',
      tags: ['vip', 'new'],
    });
    expect((await owner.get(`/contacts/${byPhone.id}`)).body).toMatchObject({ firstName: 'Phone', lastName: 'Person' });
    const conflicts = await owner.get(`/imports/${result.id}/conflicts`);
    expect(conflicts.body.data).toEqual([
      expect.objectContaining({ recordId: existing.id, field: 'firstName', existingValue: 'Ada', incomingValue: 'Augusta', row: 2, status: 'open' }),
    ]);
    const events = await outboxEvents(stack, 'contacts.imported', result.id);
    expect(events.flatMap((event) => event.data.contacts.map((contact: any) => contact.id)).sort()).toEqual([existing.id, byPhone.id].sort());
    expect((await outboxEvents(stack, 'import.completed', result.id))[0]!.data).toMatchObject({
      importId: result.id,
      entity: 'contacts',
      created: 0,
      updated: 2,
      conflicts: 1,
    });
  });

  it('matches a row on an additional email or phone of a contact, and on its own secondary column', async () => {
    const owner = await stack.signUp();
    const existing = (
      await owner.post('/contacts', { email: 'main@example.com', emails: [{ email: 'side@example.com' }], phones: [{ phone: '+1 415 555 0150' }] })
    ).body;
    const result = await imported(
      owner,
      'Email 1,Email 2,Phone 1,Phone 2,First Name,Last Name\n,side@example.com,,,Side,\n,,,415-555-0150,,Phone\nmain@example.com,new@example.com,,,,\n',
    );
    // Three rows, one contact: matched by its additional email, by its additional phone, then by its primary email.
    expect(result).toMatchObject({ status: 'completed', created: 0, updated: 1, failed: 0, conflicts: 0 });
    expect((await owner.get(`/contacts/${existing.id}`)).body).toMatchObject({
      firstName: 'Side',
      lastName: 'Phone',
      email: 'main@example.com',
      emails: [{ email: 'side@example.com' }, { email: 'new@example.com' }],
    });
    expect(await liveContacts(owner)).toBe(1);
  });

  it('queues an additional email another contact holds as a conflict rather than taking it', async () => {
    const owner = await stack.signUp();
    const holder = (await owner.post('/contacts', { email: 'taken@example.com' })).body;
    const other = (await owner.post('/contacts', { email: 'other@example.com' })).body;
    const result = await imported(owner, 'Email,Email 2\nother@example.com,taken@example.com\n');
    expect(result).toMatchObject({ updated: 0, conflicts: 1 });
    expect((await owner.get(`/contacts/${other.id}`)).body.emails).toEqual([]);
    expect((await owner.get(`/contacts/${holder.id}`)).body.emails).toEqual([]);
    const conflicts = await owner.get(`/imports/${result.id}/conflicts`);
    expect(conflicts.body.data).toEqual([
      expect.objectContaining({ recordId: other.id, field: 'emails', existingValue: [], incomingValue: [{ email: 'taken@example.com', label: null }] }),
    ]);
  });

  it('merges duplicates inside the file: the earlier row wins, later ones fill gaps or conflict', async () => {
    const owner = await stack.signUp();
    const result = await imported(
      owner,
      'Email,First Name,Last Name,Job Title\ndup@example.com,Ada,,\nDUP@example.com,Augusta,Lovelace,\ndup@example.com,,,Countess\n',
    );
    expect(result).toMatchObject({ created: 1, conflicts: 1 });
    expect(await liveContacts(owner)).toBe(1);
    expect(await contactByEmail(owner, 'dup@example.com')).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', jobTitle: 'Countess' });
  });

  it('overwrites differing values in overwrite mode, and never moves the lifecycle stage backward unless told', async () => {
    const owner = await stack.signUp();
    const contact = (await owner.post('/contacts', { email: 'ow@example.com', firstName: 'Old', lifecycleStage: 'customer' })).body;
    const result = await imported(owner, 'Email,First Name,Lifecycle Stage\now@example.com,New,lead\n', { entity: 'contacts', mode: 'overwrite' });
    expect(result).toMatchObject({ status: 'completed', conflicts: 0 });
    expect((await owner.get(`/contacts/${contact.id}`)).body).toMatchObject({ firstName: 'New', lifecycleStage: 'customer' });
    await imported(owner, 'Email,Lifecycle Stage\now@example.com,lead\n', { entity: 'contacts', lifecycleBackward: 'true' });
    expect((await owner.get(`/contacts/${contact.id}`)).body.lifecycleStage).toBe('lead');
  });

  it('links contacts to the company they name, creating it once', async () => {
    const owner = await stack.signUp();
    const acme = (await owner.post('/companies', { name: 'Acme' })).body;
    await imported(owner, 'Email,Company Name\na1@example.com,ACME\na2@example.com,Globex\na3@example.com,globex\n');
    expect(await contactByEmail(owner, 'a1@example.com')).toMatchObject({ companyId: acme.id, companyName: 'Acme' });
    const globex = await stack.owner.query(`SELECT id FROM crm.companies WHERE workspace_id = $1 AND lower(name) = 'globex'`, [owner.workspaceId]);
    expect(globex).toHaveLength(1);
    expect(await contactByEmail(owner, 'a3@example.com')).toMatchObject({ companyId: globex[0].id, companyName: 'Globex' });
  });

  it('imports companies matched by domain, then by name', async () => {
    const owner = await stack.signUp();
    const acme = (await owner.post('/companies', { name: 'Acme', domain: 'acme.com' })).body;
    const result = await imported(
      owner,
      'Company name,Company Domain Name,Industry,City,Country/Region\nAcme Corp,https://www.acme.com,Anvils,Phoenix,us\nInitech,,Software,,\ninitech,initech.com,,Austin,US\n',
      { entity: 'companies' },
    );
    expect(result).toMatchObject({ status: 'completed', created: 1, updated: 1, conflicts: 1 });
    expect((await owner.get(`/companies/${acme.id}`)).body).toMatchObject({ name: 'Acme', industry: 'Anvils', address: { city: 'Phoenix', country: 'US' } });
    const initech = await stack.owner.query(`SELECT domain, industry, address FROM crm.companies WHERE workspace_id = $1 AND name = 'Initech'`, [
      owner.workspaceId,
    ]);
    expect(initech).toEqual([{ domain: 'initech.com', industry: 'Software', address: { city: 'Austin', country: 'US' } }]);
  });
});

describe('conflict queue', () => {
  it('resolves conflicts one by one with each action, and many at once', async () => {
    const owner = await stack.signUp();
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push((await owner.post('/contacts', { email: `c${n}@example.com`, firstName: 'Old', jobTitle: 'Old' })).body.id);
    const taken = (await owner.post('/contacts', { email: 'taken@example.com' })).body;
    const result = await imported(
      owner,
      'Email,First Name\nc1@example.com,New1\nc2@example.com,New2\nc3@example.com,New3\nc4@example.com,New4\nc5@example.com,New5\n',
    );
    expect(result.conflicts).toBe(5);
    const conflicts = (await owner.get(`/imports/${result.id}/conflicts?limit=2`)).body;
    expect(conflicts.data).toHaveLength(2);
    expect(conflicts.nextCursor).toEqual(expect.any(String));
    const all = (await owner.get(`/imports/${result.id}/conflicts?status=open&limit=100`)).body.data;
    const byRecord = new Map(all.map((conflict: any) => [conflict.recordId, conflict]));
    const conflictOf = (index: number) => byRecord.get(ids[index]) as any;

    const kept = await owner.post(`/imports/${result.id}/conflicts/${conflictOf(0).id}/resolve`, { action: 'keep_existing' });
    expect(kept.body).toMatchObject({ status: 'resolved', resolution: 'keep_existing' });
    expect((await owner.get(`/contacts/${ids[0]}`)).body.firstName).toBe('Old');
    const again = await owner.post(`/imports/${result.id}/conflicts/${conflictOf(0).id}/resolve`, { action: 'keep_existing' });
    expectError(again, 409);

    await owner.post(`/imports/${result.id}/conflicts/${conflictOf(1).id}/resolve`, { action: 'take_incoming' });
    expect((await owner.get(`/contacts/${ids[1]}`)).body.firstName).toBe('New2');

    expectError(
      await owner.post(`/imports/${result.id}/conflicts/${conflictOf(2).id}/resolve`, { action: 'merge', fields: { lastName: 'x' } }),
      422,
      'fields.firstName',
    );
    await owner.post(`/imports/${result.id}/conflicts/${conflictOf(2).id}/resolve`, { action: 'merge', fields: { firstName: 'Merged', jobTitle: 'Chosen' } });
    expect((await owner.get(`/contacts/${ids[2]}`)).body).toMatchObject({ firstName: 'Merged', jobTitle: 'Chosen' });

    const many = await owner.post(`/imports/${result.id}/conflicts/resolve`, { action: 'take_incoming', all: true });
    expect(many.body).toEqual({ resolved: 2 });
    expect((await owner.get(`/contacts/${ids[4]}`)).body.firstName).toBe('New5');
    expect((await owner.get(`/imports/${result.id}/conflicts?status=open`)).body.data).toEqual([]);

    // An email held by another contact stays a conflict; taking it is the contacts API's 409.
    const clash = await imported(owner, 'Email,Phone Number\ntaken@example.com,+14155550199\n');
    expect(clash.updated).toBe(1);
    await owner.patch(`/contacts/${taken.id}`, { email: 'moved@example.com' });
    const second = (await owner.post('/contacts', { email: 'c9@example.com', phone: '+14155550177' })).body;
    const phoneClash = await imported(owner, 'Email,Phone Number\nc9@example.com,+14155550199\n');
    const [phoneConflict] = (await owner.get(`/imports/${phoneClash.id}/conflicts`)).body.data;
    expect(phoneConflict).toMatchObject({ recordId: second.id, field: 'phone', existingValue: '+14155550177', incomingValue: '+14155550199' });
    expectError(await owner.post(`/imports/${phoneClash.id}/conflicts/${phoneConflict.id}/resolve`, { action: 'take_incoming' }), 409, 'phone');
  });
});

describe('bad rows', () => {
  it('reports bad rows with their line numbers and reasons, and serves them as an error CSV', async () => {
    const owner = await stack.signUp();
    const csv = [
      'Email,First Name,Phone Number',
      'ok@example.com,Ok,',
      'broken,Bad,',
      ',NoIdentity,',
      `long@example.com,${'x'.repeat(201)},`,
      'phone@example.com,P,12',
      'nul@example.com,Nu\u0000ll,',
    ].join('\n');
    const result = await imported(owner, csv);
    expect(result).toMatchObject({ status: 'completed', created: 1, failed: 5, total: 6, processed: 6 });
    expect(result.errors).toEqual([
      { row: 3, message: expect.stringContaining('email') },
      { row: 4, message: expect.stringContaining('needs an email or a phone') },
      { row: 5, message: expect.stringContaining('firstName') },
      { row: 6, message: expect.stringContaining('phone') },
      // PostgreSQL text cannot hold NUL: the row is refused like any bad cell, not the whole import.
      { row: 7, message: 'firstName: contains a NUL character' },
    ]);
    const response = await fetch(`${stack.api}/imports/${result.id}/errors.csv`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe('Email,First Name,Phone Number,line,error');
    expect(lines[1]).toMatch(/^broken,Bad,,3,/);
    expect(lines[5]).toMatch(/^nul@example\.com,Nu\uFFFDll,,7,/);
    expect(lines).toHaveLength(6);
  });
});

describe('cancel and undo', () => {
  it('undoes an import: created contacts deleted, changed ones restored, conflicts closed; only once', async () => {
    const owner = await stack.signUp();
    const existing = (await owner.post('/contacts', { email: 'keep@example.com', firstName: 'Keep', tags: ['a'] })).body;
    const result = await imported(owner, 'Email,First Name,Last Name,Tags,Company Name\nkeep@example.com,Other,Filled,b,Undo Co\nnew@example.com,New,,,\n');
    expect(result).toMatchObject({ created: 1, updated: 1, conflicts: 1 });
    const undone = await owner.post(`/imports/${result.id}/undo`);
    expect(undone.body).toMatchObject({ status: 'undone', undoneAt: expect.any(String) });
    expect((await owner.get(`/contacts/${existing.id}`)).body).toMatchObject({ firstName: 'Keep', lastName: null, tags: ['a'], companyId: null });
    expect(await contactByEmail(owner, 'new@example.com')).toBeNull();
    const companies = await stack.owner.query(`SELECT deleted_at FROM crm.companies WHERE workspace_id = $1 AND name = 'Undo Co'`, [owner.workspaceId]);
    expect(companies[0].deleted_at).not.toBeNull();
    expect((await owner.get(`/imports/${result.id}/conflicts?status=open`)).body.data).toEqual([]);
    expect((await outboxEvents(stack, 'contacts.import_undone', result.id)).length).toBeGreaterThan(0);
    expectError(await owner.post(`/imports/${result.id}/undo`), 409);
  });

  it('refuses an undo after 24 hours', async () => {
    const owner = await stack.signUp();
    const result = await imported(owner, 'Email\nold@example.com\n');
    await stack.owner.query(`UPDATE crm.imports SET created_at = now() - interval '25 hours' WHERE id = $1`, [result.id]);
    expectError(await owner.post(`/imports/${result.id}/undo`), 409);
    expect(await contactByEmail(owner, 'old@example.com')).not.toBeNull();
  });

  it('cancels a running import at a batch boundary, keeping what it committed', async () => {
    const owner = await stack.signUp();
    const rows = Array.from({ length: 20_000 }, (_unused, index) => `cancel${index}@example.com,Name${index}`);
    const response = await upload(owner, `Email,First Name\n${rows.join('\n')}\n`);
    expect(response.status).toBe(202);
    await eventually(async () => (await owner.get(`/imports/${response.body.id}`)).body.processed > 0, 30_000);
    const cancelled = await owner.post(`/imports/${response.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = (await owner.get(`/imports/${response.body.id}`)).body;
    expect(after.status).toBe('cancelled');
    expect(after.processed).toBeLessThan(20_000);
    expect(await liveContacts(owner)).toBe(after.created);
    expectError(await owner.post(`/imports/${response.body.id}/cancel`), 409);
  });
});

describe('requests', () => {
  it('refuses bad uploads with 4xx naming the field, storing nothing', async () => {
    const owner = await stack.signUp();
    const noFile = await fetch(`${stack.api}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}` },
      body: (() => {
        const form = new FormData();
        form.append('entity', 'contacts');
        return form;
      })(),
    });
    expectError({ status: noFile.status, body: await noFile.json(), headers: noFile.headers }, 422, 'file');
    expectError(await upload(owner, 'Email\na@example.com\n', { entity: 'deals' }), 422, 'entity');
    expectError(await upload(owner, 'Email\na@example.com\n', { entity: 'contacts', mapping: '{not json' }), 422, 'mapping');
    expectError(await upload(owner, 'Email\na@example.com\n', { entity: 'contacts', mapping: JSON.stringify({ Email: 'shoeSize' }) }), 422, 'mapping.Email');
    expectError(await owner.post('/imports', { entity: 'contacts' }), 415, 'file');
    expect(await stack.owner.query(`SELECT id FROM crm.imports WHERE workspace_id = $1`, [owner.workspaceId])).toEqual([]);
  });

  it('hides another workspace’s import (404) and refuses members and viewers (403)', async () => {
    const owner = await stack.signUp();
    const result = await imported(owner, 'Email\nmine@example.com\n');
    const stranger = await stack.signUp('stranger');
    expectError(await stranger.get(`/imports/${result.id}`), 404);
    expectError(await stranger.get(`/imports/${result.id}/conflicts`), 404);
    expectError(await stranger.post(`/imports/${result.id}/undo`), 404);
    expectError(await owner.get('/imports/not-a-uuid'), 404);
    for (const role of ['member', 'viewer'] as const) {
      const caller = await stack.as(owner, role);
      expectError(await caller.get(`/imports/${result.id}`), 403);
      expectError(await upload(caller, 'Email\nx@example.com\n'), 403);
    }
    const manager = await stack.as(owner, 'manager');
    expect((await manager.get(`/imports/${result.id}`)).status).toBe(200);
  });
});

describe('metrics', () => {
  /** The value of kinship_import_rows_total for one entity and outcome on crm's /metrics, 0 when absent. */
  async function importedRows(outcome: string): Promise<number> {
    const page = await (await fetch(`${stack.crm.url}/metrics`)).text();
    const sample = page
      .split('\n')
      .find((line) => line.startsWith('kinship_import_rows_total{') && line.includes('entity="contacts"') && line.includes(`outcome="${outcome}"`));
    return sample ? Number(sample.split(' ').at(-1)) : 0;
  }

  it('counts the rows of committed batches on /metrics by entity and outcome', async () => {
    const owner = await stack.signUp();
    await imported(owner, ['Email,First Name', 'first@example.com,First'].join('\n'));
    const before = { created: await importedRows('created'), updated: await importedRows('updated'), failed: await importedRows('failed') };
    const csv = ['Email,First Name,Last Name', 'new-1@example.com,New,', 'new-2@example.com,New,', 'first@example.com,,Filled', 'broken,Bad,'].join('\n');
    expect(await imported(owner, csv)).toMatchObject({ status: 'completed', created: 2, updated: 1, failed: 1 });
    expect({ created: await importedRows('created'), updated: await importedRows('updated'), failed: await importedRows('failed') }).toEqual({
      created: before.created + 2,
      updated: before.updated + 1,
      failed: before.failed + 1,
    });
  });
});
