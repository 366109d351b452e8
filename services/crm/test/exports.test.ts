import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { BULK_IDS_MAX, EXPORT_IDS_MAX } from '@kinship/contracts/crm';
import { csvText } from '@kinship/platform';
import { eventually, expectError, startCrmStack, type ApiResponse, type Caller, type CrmStack } from './support.js';

type Row = Record<string, string>;

describe('exports', () => {
  let stack: CrmStack;
  let owner: Caller;

  /** GET /exports/:id as a browser would ask for it (Accept: any), the file's bytes and headers. */
  async function download(
    caller: Caller,
    id: string,
    accept = '*/*',
  ): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Buffer }> {
    const response = await fetch(`${stack.api}/exports/${id}`, { headers: { authorization: `Bearer ${caller.token}`, accept } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      disposition: response.headers.get('content-disposition'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  async function statusOf(caller: Caller, id: string): Promise<any> {
    const response = await download(caller, id, 'application/json');
    return JSON.parse(response.bytes.toString());
  }

  async function exportAndWait(caller: Caller, request: Record<string, unknown>): Promise<{ id: string; totalRows: number; status: string; fileName: string }> {
    const created = await caller.post('/exports', request);
    expect(created.status).toBe(202);
    return eventually(async () => {
      const current = await statusOf(caller, created.body.id);
      return current.status === 'completed' || current.status === 'failed' ? current : undefined;
    }, 30_000);
  }

  async function allListed(caller: Caller, query: string): Promise<any[]> {
    const records: any[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await caller.get(`/contacts?${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      records.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    return records;
  }

  beforeAll(async () => {
    stack = await startCrmStack('exports');
    owner = await stack.signUp('exports');
    expect((await owner.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'text' })).status).toBe(201);
    expect((await owner.post('/custom-fields', { entity: 'contact', key: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    const people = [
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        tags: ['vip', 'math'],
        customFields: { tier: 'gold', seats: 12 },
        lifecycleStage: 'customer',
      },
      {
        firstName: 'Grace',
        lastName: 'Hopper, "Amazing"',
        email: 'grace@example.com',
        tags: ['vip'],
        customFields: { tier: 'silver' },
        lifecycleStage: 'customer',
      },
      { firstName: 'Katherine', lastName: 'Johnson\nNASA', email: 'katherine@example.com', tags: ['vip'], lifecycleStage: 'lead' },
      { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com', tags: ['math'], lifecycleStage: 'customer' },
    ];
    for (const person of people) expect((await owner.post('/contacts', person)).status).toBe(201);
    // 2,500 more for paging, written set-based behind the API.
    await stack.owner.query(
      `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email, lead_source, tags, custom_fields, created_at)
       SELECT gen_random_uuid(), $1, 'Bulk', 'Person ' || n, 'bulk' || n || '@example.com', 'bulk', ARRAY['bulk'],
              jsonb_build_object('seats', n), now() - n * interval '1 second'
       FROM generate_series(1, 2500) AS n`,
      [owner.workspaceId],
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('writes a CSV of exactly what the same filter lists, custom fields as cf: columns and tags joined with ;', async () => {
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { tags: ['vip'], lifecycleStage: ['customer', 'lead'] }, format: 'csv' });
    expect(done).toMatchObject({ status: 'completed', totalRows: 3 });

    const file = await download(owner, done.id);
    expect(file.status).toBe(200);
    expect(file.type).toContain('text/csv');
    expect(file.disposition).toBe(`attachment; filename="${done.fileName}"`);
    const rows: Row[] = parse(file.bytes, { columns: true });
    const listed = await allListed(owner, 'tags=vip&lifecycleStage=customer,lead');
    expect(rows.map((row) => row.id)).toEqual(listed.map((contact) => contact.id));
    expect(
      rows.map((row) => ({ firstName: row.firstName, lastName: row.lastName, email: row.email, tags: row.tags, tier: row['cf:tier'], seats: row['cf:seats'] })),
    ).toEqual(
      listed.map((contact) => ({
        firstName: contact.firstName,
        lastName: contact.lastName,
        email: contact.email,
        tags: contact.tags.join(';'),
        tier: contact.customFields.tier ?? '',
        seats: contact.customFields.seats === undefined ? '' : String(contact.customFields.seats),
      })),
    );
    const ada = rows.find((row) => row.email === 'ada@example.com')!;
    expect(ada).toMatchObject({ tags: 'vip;math', 'cf:tier': 'gold', 'cf:seats': '12', lifecycleStage: 'customer', emailOptOut: 'false' });
    // Quotes, commas and newlines survive the round trip.
    expect(rows.map((row) => row.lastName)).toEqual(expect.arrayContaining(['Hopper, "Amazing"', 'Johnson\nNASA']));
  });

  it('searches as ?q= does', async () => {
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { q: 'lovel' }, format: 'csv' });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows.map((row) => row.email)).toEqual(['ada@example.com']);
  });

  it('filters on custom field contains and bounds as ?customFields= does', async () => {
    const customFields = { tier: { contains: 'GOL' }, seats: { from: 10, to: 12 } };
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { customFields }, format: 'csv' });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows.map((row) => row.email)).toEqual(['ada@example.com']);
    const listed = await allListed(owner, `customFields=${encodeURIComponent(JSON.stringify(customFields))}`);
    expect(rows.map((row) => row.id)).toEqual(listed.map((contact) => contact.id));
  });

  it('writes an XLSX that exceljs reads back with the same rows', async () => {
    const csv = await exportAndWait(owner, { entity: 'contacts', filter: { tags: ['vip'] }, format: 'csv' });
    const xlsx = await exportAndWait(owner, { entity: 'contacts', filter: { tags: ['vip'] }, format: 'xlsx' });
    const file = await download(owner, xlsx.id);
    expect(file.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.disposition).toMatch(/filename="contacts-.*\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values: string[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1).map((value) => (value === null || value === undefined ? '' : String(value)))));
    const [headers, ...rows] = values;
    const csvRows: Row[] = parse((await download(owner, csv.id)).bytes, { columns: true });
    expect(headers).toEqual(Object.keys(csvRows[0]!));
    const asCsv = rows.map((row) => Object.fromEntries(headers!.map((header, index) => [header, row[index] ?? ''])));
    expect(asCsv).toEqual(csvRows);
  });

  it('exports 2,500 rows across several pages, each once, in the order of the list', async () => {
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { leadSource: ['bulk'] }, format: 'csv' });
    expect(done.totalRows).toBe(2500);
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((row) => row.id)).size).toBe(2500);
    expect(rows[0]).toMatchObject({ lastName: 'Person 1', 'cf:seats': '1', tags: 'bulk' });
    expect(rows.at(-1)).toMatchObject({ lastName: 'Person 2500' });
  });

  it('guards every cell a spreadsheet would run as a formula exactly as csvText does: text, lists and custom fields', async () => {
    // csvText's own cases (libs/platform csv-text.spec.ts), and text that only starts like them.
    const values = [
      '=1+1',
      '=HYPERLINK("http://evil","x")',
      '+SUM(A1)',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '+',
      '-',
      '+1 (415) 555-0123',
      '-1e3',
      '=-5',
      '+14155550123',
      '-5',
      '+42',
      '-0.25',
      '12',
      'Ada',
      'a=b',
      ' =1',
      "'quoted",
      '',
      'Élodie',
      '＝1',
    ];
    await stack.owner.query(
      `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, lead_source, tags, custom_fields)
       SELECT gen_random_uuid(), $1, v.value, 'Formula ' || v.n, 'formula', ARRAY[v.value, 'ok'], jsonb_build_object('tier', v.value, 'seats', -5)
       FROM unnest($2::text[]) WITH ORDINALITY AS v(value, n)`,
      [owner.workspaceId, values],
    );
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { leadSource: ['formula'] }, format: 'csv' });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    const byName = new Map(rows.map((row) => [row.lastName, row]));
    expect(rows).toHaveLength(values.length);
    values.forEach((value, index) => {
      expect(byName.get(`Formula ${index + 1}`)).toMatchObject({
        firstName: csvText(value),
        tags: csvText(`${value};ok`),
        'cf:tier': csvText(value),
        'cf:seats': '-5',
      });
    });
  });

  it("writes a contact's additional emails and phones joined with ;, and empty cells for a contact with none", async () => {
    const emails = [{ email: 'second@details.example' }, { email: 'third@details.example' }];
    const phones = [{ phone: '+14155550100', extension: '12' }, { phone: '+14155550101' }];
    expect(
      (
        await owner.post('/contacts', {
          firstName: 'Many',
          lastName: 'Details',
          email: 'many@details.example',
          phone: '+14155550199',
          leadSource: 'details',
          emails,
          phones,
        })
      ).status,
    ).toBe(201);
    expect((await owner.post('/contacts', { firstName: 'No', lastName: 'Details', leadSource: 'details' })).status).toBe(201);
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { leadSource: ['details'] }, format: 'csv' });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows.map((row) => ({ firstName: row.firstName, emails: row.emails, phones: row.phones }))).toEqual(
      expect.arrayContaining([
        { firstName: 'Many', emails: 'second@details.example;third@details.example', phones: csvText('+14155550100x12;+14155550101') },
        { firstName: 'No', emails: '', phones: '' },
      ]),
    );
    expect(rows).toHaveLength(2);
  });

  it('exports companies and deals with the same rules', async () => {
    expect((await owner.post('/companies', { name: 'Acme', domain: 'acme.example', tags: ['key'], address: { city: 'Paris', country: 'FR' } })).status).toBe(
      201,
    );
    const companies = await exportAndWait(owner, { entity: 'companies', filter: { tags: ['key'] }, format: 'csv' });
    const companyRows: Row[] = parse((await download(owner, companies.id)).bytes, { columns: true });
    expect(companyRows).toEqual([
      expect.objectContaining({ name: 'Acme', domain: 'acme.example', tags: 'key', 'address.city': 'Paris', 'address.country': 'FR' }),
    ]);

    expect((await owner.post('/deals', { name: 'Big one', amount: 120000, currency: 'EUR' })).status).toBe(201);
    const deals = await exportAndWait(owner, { entity: 'deals', filter: { amountFrom: 100000 }, format: 'csv' });
    const dealRows: Row[] = parse((await download(owner, deals.id)).bytes, { columns: true });
    expect(dealRows).toEqual([expect.objectContaining({ name: 'Big one', amount: '120000', currency: 'EUR', status: 'open' })]);
  });

  it('exports a custom object’s records: its fields as columns (parts as key.part), its filter and search, each row once', async () => {
    const fields = [
      { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
      { key: 'kind', label: 'Kind', type: 'select', options: ['house', 'flat'] },
      { key: 'rooms', label: 'Rooms', type: 'number' },
      { key: 'price', label: 'Price', type: 'currency' },
      { key: 'features', label: 'Features', type: 'multi_select', options: ['garden', 'pool'] },
      { key: 'address', label: 'Address', type: 'address' },
    ];
    expect((await owner.post('/objects', { key: 'listing', singularLabel: 'Listing', pluralLabel: 'Listings', fields })).status).toBe(201);
    const rose = await owner.post('/objects/listing/records', {
      values: {
        name: '=Rose, "Cottage"',
        kind: 'house',
        rooms: 3,
        price: { amount: 25000000, currency: 'GBP' },
        features: ['garden', 'pool'],
        address: { city: 'Bath', country: 'GB' },
      },
    });
    const flat = await owner.post('/objects/listing/records', { values: { name: 'Harbour Flat', kind: 'flat' } });
    await owner.post('/objects/listing/records', { values: { name: 'Mill', kind: 'house' } });
    expect([rose.status, flat.status]).toEqual([201, 201]);

    const done = await exportAndWait(owner, { entity: 'records', object: 'listing', filter: { fields: { kind: 'house' }, q: 'rose' }, format: 'csv' });
    expect(done).toMatchObject({ status: 'completed', totalRows: 1, object: 'listing', fileName: expect.stringMatching(/^listing-.*\.csv$/) });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows).toEqual([
      expect.objectContaining({
        id: rose.body.id,
        name: csvText('=Rose, "Cottage"'),
        kind: 'house',
        rooms: '3',
        'price.amount': '25000000',
        'price.currency': 'GBP',
        features: 'garden;pool',
        'address.city': 'Bath',
        'address.country': 'GB',
        'address.line1': '',
        createdBy: owner.userId,
      }),
    ]);
    const all = await exportAndWait(owner, { entity: 'records', object: 'listing', format: 'xlsx' });
    expect(all).toMatchObject({ status: 'completed', totalRows: 3 });

    const before = await owner.get('/exports?limit=500');
    expectError(await owner.post('/exports', { entity: 'records', format: 'csv' }), 422, 'object');
    expectError(await owner.post('/exports', { entity: 'contacts', object: 'listing', format: 'csv' }), 422, 'object');
    expectError(await owner.post('/exports', { entity: 'records', object: 'castle', format: 'csv' }), 422, 'object');
    expectError(
      await owner.post('/exports', { entity: 'records', object: 'listing', filter: { fields: { colour: 'red' } }, format: 'csv' }),
      422,
      'filter.fields.colour',
    );
    expectError(await owner.post('/exports', { entity: 'records', object: 'listing', filter: { kind: 'house' }, format: 'csv' }), 422, 'filter.kind');
    expectError(await owner.post('/exports', { entity: 'records', object: 'listing', filter: { deleted: 'yes' }, format: 'csv' }), 422, 'filter.deleted');
    const other = await stack.signUp('exports-records-other');
    expectError(await other.post('/exports', { entity: 'records', object: 'listing', format: 'csv' }), 422, 'object');
    expect((await owner.get('/exports?limit=500')).body.data.length).toBe(before.body.data.length);
  });

  it('exports exactly the selected records of a custom object (filter id), with its other conditions, never another workspace’s', async () => {
    const fields = [
      { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
      { key: 'size', label: 'Size', type: 'select', options: ['small', 'large'] },
    ];
    expect((await owner.post('/objects', { key: 'parcel', singularLabel: 'Parcel', pluralLabel: 'Parcels', fields })).status).toBe(201);
    const parcels = [];
    for (const [name, size] of [
      ['First', 'small'],
      ['Second', 'large'],
      ['Third', 'small'],
      ['Fourth', 'small'],
    ]) {
      const created = await owner.post('/objects/parcel/records', { values: { name, size } });
      expect(created.status).toBe(201);
      parcels.push(created.body as { id: string });
    }
    const stranger = await stack.signUp('record-selection');
    expect((await stranger.post('/objects', { key: 'parcel', singularLabel: 'Parcel', pluralLabel: 'Parcels', fields })).status).toBe(201);
    const foreign = await stranger.post('/objects/parcel/records', { values: { name: 'Foreign', size: 'small' } });
    expect(foreign.status).toBe(201);

    const chosen = [parcels[0]!.id, parcels[1]!.id, parcels[2]!.id, foreign.body.id];
    const done = await exportAndWait(owner, { entity: 'records', object: 'parcel', filter: { id: chosen }, format: 'csv' });
    expect(done).toMatchObject({ status: 'completed', totalRows: 3 });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows.map((row) => row.name).sort()).toEqual(['First', 'Second', 'Third']);
    expect(await statusOf(owner, done.id)).toEqual(expect.objectContaining({ filter: {}, selected: 4 }));

    // The selection and the object's own filter both hold, in XLSX too.
    const small = await exportAndWait(owner, { entity: 'records', object: 'parcel', filter: { id: chosen, fields: { size: 'small' } }, format: 'xlsx' });
    expect(small).toMatchObject({ status: 'completed', totalRows: 2 });
    expect(await statusOf(owner, small.id)).toEqual(expect.objectContaining({ filter: { fields: { size: 'small' } }, selected: 4 }));
  });

  it(`refuses a custom object's selection of more than ${EXPORT_IDS_MAX} ids, or one that is not a list of UUIDs, with a 422 naming filter.id, and starts nothing`, async () => {
    const fields = [{ key: 'name', label: 'Name', type: 'text', required: true }];
    expect((await owner.post('/objects', { key: 'crate', singularLabel: 'Crate', pluralLabel: 'Crates', fields })).status).toBe(201);
    const before = await owner.get('/exports?limit=500');
    const tooMany = Array.from({ length: EXPORT_IDS_MAX + 1 }, () => randomUUID());
    const refused = await owner.post('/exports', { entity: 'records', object: 'crate', filter: { id: tooMany }, format: 'csv' });
    expectError(refused, 422, 'filter.id');
    expect(JSON.stringify(refused.body.error.details)).toContain(`at most ${EXPORT_IDS_MAX} records`);
    expectError(await owner.post('/exports', { entity: 'records', object: 'crate', filter: { id: ['not-a-uuid'] }, format: 'csv' }), 422, 'filter.id');
    expectError(await owner.post('/exports', { entity: 'records', object: 'crate', filter: { id: [randomUUID(), 42] }, format: 'xlsx' }), 422, 'filter.id');
    expectError(await owner.post('/exports', { entity: 'records', object: 'crate', filter: { id: randomUUID() }, format: 'csv' }), 422, 'filter.id');
    expect((await owner.get('/exports?limit=500')).body.data.length).toBe(before.body.data.length);
  });

  it('exports exactly the selected records of contacts, companies and deals (filter id), never another workspace’s', async () => {
    const contacts = (await owner.get('/contacts?tags=math&limit=500')).body.data as Array<{ id: string; email: string }>;
    expect(contacts.length).toBeGreaterThan(1);
    const stranger = await stack.signUp('selection');
    const foreign = await stranger.post('/contacts', { firstName: 'Foreign', email: 'foreign@example.com', tags: ['math'] });
    expect(foreign.status).toBe(201);
    const chosen = contacts[0]!;
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { id: [chosen.id, foreign.body.id] }, format: 'csv' });
    expect(done).toMatchObject({ status: 'completed', totalRows: 1 });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows.map((row) => [row.id, row.email])).toEqual([[chosen.id, chosen.email]]);
    const listed = await owner.get(`/contacts?id=${chosen.id},${foreign.body.id}`);
    expect(listed.body.data.map((contact: { id: string }) => contact.id)).toEqual([chosen.id]);
    const foreignOnly = await exportAndWait(owner, { entity: 'contacts', filter: { id: [foreign.body.id] }, format: 'csv' });
    expect(foreignOnly).toMatchObject({ status: 'completed', totalRows: 0 });

    const companies = await Promise.all(['Selected Co', 'Other Co'].map((name) => owner.post('/companies', { name })));
    const companyExport = await exportAndWait(owner, { entity: 'companies', filter: { id: [companies[0]!.body.id] }, format: 'csv' });
    const companyRows: Row[] = parse((await download(owner, companyExport.id)).bytes, { columns: true });
    expect(companyRows.map((row) => row.name)).toEqual(['Selected Co']);

    const deals = await Promise.all(['Selected deal', 'Other deal', 'Third deal'].map((name) => owner.post('/deals', { name, amount: 500, currency: 'EUR' })));
    const dealIds = [deals[0]!.body.id, deals[2]!.body.id];
    const dealExport = await exportAndWait(owner, { entity: 'deals', filter: { id: dealIds }, format: 'csv' });
    const dealRows: Row[] = parse((await download(owner, dealExport.id)).bytes, { columns: true });
    expect(dealRows.map((row) => row.name).sort()).toEqual(['Selected deal', 'Third deal']);
  });

  it('exports a selection of 250 records (more than a list page or a bulk request takes): exactly those rows, in CSV and XLSX', async () => {
    const bulk: Array<{ id: string }> = await stack.owner.query(`SELECT id FROM crm.contacts WHERE workspace_id = $1 AND lead_source = 'bulk' ORDER BY id`, [
      owner.workspaceId,
    ]);
    const selected = bulk.filter((_, index) => index % 10 === 3).map((row) => row.id);
    expect(selected).toHaveLength(250);
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { id: selected }, format: 'csv' });
    expect(done).toMatchObject({ status: 'completed', totalRows: 250 });
    const rows: Row[] = parse((await download(owner, done.id)).bytes, { columns: true });
    expect(rows.map((row) => row.id).sort()).toEqual(selected);
    const xlsx = await exportAndWait(owner, { entity: 'contacts', filter: { id: selected, tags: ['bulk'] }, format: 'xlsx' });
    expect(xlsx).toMatchObject({ status: 'completed', totalRows: 250 });
    // The answer counts the selection instead of repeating its ids.
    expect(await statusOf(owner, done.id)).toEqual(expect.objectContaining({ filter: {}, selected: 250 }));
    expect(await statusOf(owner, xlsx.id)).toEqual(expect.objectContaining({ filter: { tags: ['bulk'] }, selected: 250 }));
  });

  it('takes 10,000 selected ids, and the exports list still answers with several such exports', async () => {
    const bulk: Array<{ id: string }> = await stack.owner.query(
      `SELECT id FROM crm.contacts WHERE workspace_id = $1 AND lead_source = 'bulk' ORDER BY id LIMIT 2000`,
      [owner.workspaceId],
    );
    const selected = [...bulk.map((row) => row.id), ...Array.from({ length: EXPORT_IDS_MAX - bulk.length }, () => randomUUID())];
    // Three of them are 1.2 MB of ids, more than one NATS message holds.
    const done: Array<{ id: string; totalRows: number }> = [];
    for (let run = 0; run < 3; run++) done.push(await exportAndWait(owner, { entity: 'contacts', filter: { id: selected }, format: 'csv' }));
    expect(done.map((exported) => exported.totalRows)).toEqual([2000, 2000, 2000]);
    const listed = await owner.get('/exports?limit=500');
    expect(listed.status).toBe(200);
    const mine = listed.body.data.filter((exported: { id: string }) => done.some((run) => run.id === exported.id));
    expect(mine.map((exported: { selected: number }) => exported.selected)).toEqual([EXPORT_IDS_MAX, EXPORT_IDS_MAX, EXPORT_IDS_MAX]);
  }, 60_000);

  it(`refuses a selection of more than ${EXPORT_IDS_MAX} ids or an id that is not a UUID with a 422 naming filter.id, and starts nothing`, async () => {
    const before = await owner.get('/exports?limit=500');
    const tooMany = Array.from({ length: EXPORT_IDS_MAX + 1 }, () => randomUUID());
    const refused = await owner.post('/exports', { entity: 'contacts', filter: { id: tooMany }, format: 'csv' });
    expectError(refused, 422, 'filter.id');
    expect(JSON.stringify(refused.body.error.details)).toContain(`at most ${EXPORT_IDS_MAX} records`);
    expectError(await owner.post('/exports', { entity: 'deals', filter: { id: tooMany }, format: 'xlsx' }), 422, 'filter.id');
    expectError(await owner.post('/exports', { entity: 'companies', filter: { id: ['not-a-uuid'] }, format: 'csv' }), 422, 'filter.id');
    expectError(await owner.post('/exports', { entity: 'deals', filter: { id: [randomUUID(), 42] }, format: 'csv' }), 422, 'filter.id');
    expectError(await owner.get('/contacts?id=not-a-uuid'), 400, 'id');
    // The list's own id filter is a query string: it stays at BULK_IDS_MAX.
    expectError(await owner.get(`/contacts?id=${tooMany.slice(0, BULK_IDS_MAX + 1).join(',')}`), 400, 'id');
    const after = await owner.get('/exports?limit=500');
    expect(after.body.data.length).toBe(before.body.data.length);
  });

  it('refuses a filter GET /contacts would refuse, naming filter.<key>, and records nothing', async () => {
    const before = await owner.get('/exports?limit=500');
    expectError(await owner.post('/exports', { entity: 'contacts', filter: { lifecycleStage: ['astronaut'] }, format: 'csv' }), 422, 'filter.lifecycleStage');
    expectError(await owner.post('/exports', { entity: 'contacts', filter: { customFields: { nope: 'x' } }, format: 'csv' }), 422, 'filter.customFields.nope');
    expectError(
      await owner.post('/exports', { entity: 'contacts', filter: { customFields: { tier: { from: 1 } } }, format: 'csv' }),
      422,
      'filter.customFields.tier',
    );
    expectError(
      await owner.post('/exports', { entity: 'contacts', filter: { customFields: { seats: { from: 9, to: 1 } } }, format: 'csv' }),
      422,
      'filter.customFields.seats',
    );
    expectError(await owner.post('/exports', { entity: 'contacts', filter: { shoeSize: 42 }, format: 'csv' }), 422, 'filter.shoeSize');
    expectError(await owner.post('/exports', { entity: 'contacts', filter: { cursor: 'abc' }, format: 'csv' }), 422, 'filter.cursor');
    expectError(await owner.post('/exports', { entity: 'companies', filter: { size: ['huge'] }, format: 'csv' }), 422, 'filter.size');
    expectError(await owner.post('/exports', { entity: 'planets', format: 'csv' }), 422, 'entity');
    expectError(await owner.post('/exports', { entity: 'contacts', format: 'pdf' }), 422, 'format');
    const after = await owner.get('/exports?limit=500');
    expect(after.body.data.length).toBe(before.body.data.length);
  });

  it('is for managers: a member or a viewer gets 403, an API key needs exports:write', async () => {
    for (const role of ['member', 'viewer'] as const) {
      const caller = await stack.as(owner, role);
      expectError(await caller.post('/exports', { entity: 'contacts', format: 'csv' }), 403);
      expectError(await caller.get('/exports'), 403);
    }
    const manager = await stack.as(owner, 'manager');
    expect((await manager.post('/exports', { entity: 'contacts', format: 'csv' })).status).toBe(202);
    const reader = await stack.apiKey(owner, ['contacts:read']);
    expectError(await reader.post('/exports', { entity: 'contacts', format: 'csv' }), 403);
  });

  it("answers 404 for another workspace's export, an unknown id and a malformed one", async () => {
    const mine = await exportAndWait(owner, { entity: 'contacts', filter: { tags: ['math'] }, format: 'csv' });
    const stranger = await stack.signUp('stranger');
    expectError(await stranger.get(`/exports/${mine.id}`), 404);
    expect((await download(stranger, mine.id)).status).toBe(404);
    expectError(await owner.get('/exports/0193a3c4-0000-7000-8000-000000000000'), 404);
    expectError(await owner.get('/exports/not-an-id'), 404);
    expect((await stranger.get('/exports')).body.data).toEqual([]);
  });

  it('answers the status, not a file, until the export is completed; Accept: application/json always gets the status', async () => {
    const queue = stack.crm.app.get<Queue>(getQueueToken('exports'), { strict: false });
    await queue.pause(true);
    let id: string;
    try {
      const created = await owner.post('/exports', { entity: 'contacts', filter: { tags: ['math'] }, format: 'csv' });
      id = created.body.id;
      const early = await download(owner, id);
      expect(early.status).toBe(200);
      expect(early.type).toContain('application/json');
      expect(JSON.parse(early.bytes.toString())).toMatchObject({ id, status: 'queued', totalRows: 0, size: null, filter: { tags: ['math'] }, selected: null });
    } finally {
      await queue.resume(true);
    }
    const done = await exportAndWait(owner, { entity: 'contacts', filter: { tags: ['math'] }, format: 'csv' });
    const status = await download(owner, done.id, 'application/json');
    expect(JSON.parse(status.bytes.toString())).toMatchObject({ id: done.id, status: 'completed', totalRows: 2 });
    const listed = await owner.get('/exports?status=completed&entity=contacts&limit=2');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(2);
    expect(listed.body.data[0].id).toBe(done.id);
    expect(listed.body.nextCursor).toEqual(expect.any(String));
    await eventually(async () => (await statusOf(owner, id)).status === 'completed');
  });
});
