import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { filesBucketName, type RunningService } from '@kinship/platform';
import ExcelJS from 'exceljs';
import { startGateway } from '../../gateway/src/gateway.js';
import { eventually, expectError, startCrmStack, type Caller, type CrmStack } from './support.js';

/**
 * Issue #14's import formats through the public API: day/month dates detected or asked for,
 * POST /imports/preview (nothing stored, only the start of the file read), vCard files, and
 * labels from headers.
 */
const MiB = 1024 * 1024;

let stack: CrmStack;
let small: RunningService;
let nats: NatsConnection;
let streams: JetStreamManager;

async function post(caller: Caller, path: string, content: string | Buffer, fields: Record<string, string>, fileName = 'contacts.csv', api = stack.api) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([content]), fileName);
  const response = await fetch(`${api}${path}`, { method: 'POST', headers: { authorization: `Bearer ${caller.token}` }, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function imported(caller: Caller, content: string | Buffer, fields: Record<string, string> = { entity: 'contacts' }, fileName?: string): Promise<any> {
  const response = await post(caller, '/imports', content, fields, fileName);
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
  return rows.length === 1 ? (await caller.get(`/contacts/${rows[0].id}`)).body : null;
}

/** Objects in the bucket of import uploads (0 before the first). */
async function storedFiles(): Promise<number> {
  try {
    return (await streams.streams.info(`OBJ_${filesBucketName(stack.environment.natsNamespace)}`)).state.messages;
  } catch {
    return 0;
  }
}

async function importsOf(caller: Caller): Promise<unknown[]> {
  return stack.owner.query(`SELECT id FROM crm.imports WHERE workspace_id = $1`, [caller.workspaceId]);
}

beforeAll(async () => {
  stack = await startCrmStack('imports-formats');
  small = await startGateway({ ...stack.environment.env, IMPORT_MAX_BYTES: String(MiB) });
  nats = await connect({ servers: stack.environment.natsUrl });
  streams = await jetstreamManager(nats);
}, 60_000);

afterAll(async () => {
  await nats?.close();
  await small?.close();
  await stack?.close();
});

describe('dates', () => {
  it('reads dd/mm/yyyy when a day above 12 says so, for birthday, customerSince and custom date fields', async () => {
    const owner = await stack.signUp();
    expect((await owner.post('/custom-fields', { entity: 'contact', key: 'renewal', label: 'Renewal', type: 'date' })).status).toBe(201);
    const result = await imported(
      owner,
      'Email,Birthday,Customer Since,Renewal\nd1@example.com,03/04/1990,25.12.2023,01-02-2025\nd2@example.com,,,2025-06-30\n',
    );
    expect(result).toMatchObject({ status: 'completed', created: 2, failed: 0, dateFormat: 'dd/mm/yyyy' });
    expect(await contactByEmail(owner, 'd1@example.com')).toMatchObject({
      birthday: '1990-04-03',
      customerSince: '2023-12-25',
      customFields: { renewal: '2025-02-01' },
    });
    expect(await contactByEmail(owner, 'd2@example.com')).toMatchObject({ customFields: { renewal: '2025-06-30' } });
  });

  it('reads mm/dd/yyyy when a month-first value says so; a later value of the other order is a bad row naming the format', async () => {
    const owner = await stack.signUp();
    const result = await imported(owner, 'Email,Birthday\nm1@example.com,12/31/1985\nm2@example.com,01/02/1990\nm3@example.com,1985-07-04\n');
    expect(result).toMatchObject({ status: 'completed', created: 3, failed: 0, dateFormat: 'mm/dd/yyyy' });
    expect((await contactByEmail(owner, 'm2@example.com')).birthday).toBe('1990-01-02');
    const explicit = await imported(owner, 'Email,Birthday\nm4@example.com,12/31/1985\n', { entity: 'contacts', dateFormat: 'dd/mm/yyyy' });
    expect(explicit).toMatchObject({ created: 0, failed: 1, dateFormat: 'dd/mm/yyyy' });
    expect(explicit.errors).toEqual([{ row: 2, message: 'birthday: "12/31/1985" is not a date in dd/mm/yyyy' }]);
  });

  it('asks for dateFormat (422, nothing queued or kept) when the values disagree or none tells; the explicit format wins', async () => {
    const owner = await stack.signUp();
    const mixed = await post(owner, '/imports', 'Email,Birthday\na@example.com,25/12/1990\nb@example.com,12/25/1990\n', { entity: 'contacts' });
    expectError(mixed, 422, 'dateFormat');
    expect(mixed.body.error.details[0].issue).toContain('line 2');
    expectError(await post(owner, '/imports', 'Email,Birthday\na@example.com,03/04/1990\n', { entity: 'contacts' }), 422, 'dateFormat');
    expectError(
      await post(owner, '/imports', 'Email,Birthday\na@example.com,1990-01-01\n', { entity: 'contacts', dateFormat: 'yyyy/dd/mm' }),
      422,
      'dateFormat',
    );
    expect(await importsOf(owner)).toEqual([]);

    const asked = await imported(owner, 'Email,Birthday\na@example.com,25/12/1990\nb@example.com,12/25/1990\n', {
      entity: 'contacts',
      dateFormat: 'mm/dd/yyyy',
    });
    expect(asked).toMatchObject({ created: 1, failed: 1 });
    expect((await contactByEmail(owner, 'b@example.com')).birthday).toBe('1990-12-25');
  });
});

describe('POST /imports/preview', () => {
  const csv =
    'First Name,E-mail 1 - Value,Phone 1 - Value,Phone 2 - Value,Phone 2 - Type,Birthday,Favourite colour\nAda,ada@example.com,+44 20 7946 0018,+44 7700 900123,Mobile,25/12/1990,green\n';

  it('shows the detected format, mapping with the alias matched, date order and rows as they would be stored, storing nothing', async () => {
    const owner = await stack.signUp();
    const before = await storedFiles();
    const preview = await post(owner, '/imports/preview', csv + 'Bad,not-an-email,,,,31/02/1990,\n', { entity: 'contacts' });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      unmappedColumns: ['Favourite colour'],
      dateFormat: { format: 'dd/mm/yyyy', source: 'values', question: null },
      truncated: false,
    });
    expect(preview.body.mapping.slice(1, 5)).toEqual([
      { column: 'E-mail 1 - Value', field: 'email', matchedBy: 'alias', alias: 'emailvalue', label: null },
      { column: 'Phone 1 - Value', field: 'phone', matchedBy: 'alias', alias: 'phonevalue', label: null },
      { column: 'Phone 2 - Value', field: 'phone', matchedBy: 'alias', alias: 'phonevalue', label: null },
      { column: 'Phone 2 - Type', field: 'phoneLabel', matchedBy: 'alias', alias: 'phonetype', label: null },
    ]);
    expect(preview.body.rows).toEqual([
      {
        line: 2,
        values: {
          firstName: 'Ada',
          email: 'ada@example.com',
          phone: '+442079460018',
          phones: [{ phone: '+447700900123', label: 'mobile', extension: null }],
          birthday: '1990-12-25',
        },
        problems: [],
      },
      {
        line: 3,
        values: { firstName: 'Bad' },
        problems: [
          { field: 'email', message: '"not-an-email" is not an email address' },
          { field: 'birthday', message: '"31/02/1990" is not a date in dd/mm/yyyy' },
        ],
      },
    ]);
    expect(await importsOf(owner)).toEqual([]);
    expect(await storedFiles()).toBe(before);
    expect(await contactByEmail(owner, 'ada@example.com')).toBeNull();
  });

  it('reads semicolons, UTF-16 and XLSX; says when a date order must be asked; the explicit mapping and format win', async () => {
    const owner = await stack.signUp();
    const semicolons = await post(owner, '/imports/preview', 'Email;Name\nsemi@example.com;Zoë Ünal\n', { entity: 'contacts' });
    expect(semicolons.body).toMatchObject({ delimiter: ';', rows: [{ values: { email: 'semi@example.com', firstName: 'Zoë', lastName: 'Ünal' } }] });

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email\tBirthday\r\nutf16@example.com\t03/04/1990\r\n', 'utf16le')]);
    const sixteen = await post(owner, '/imports/preview', utf16, { entity: 'contacts' });
    expect(sixteen.body).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', dateFormat: { format: null, source: 'none' } });
    expect(sixteen.body.dateFormat.question).toContain('no date of the file tells day from month');
    expect(sixteen.body.rows[0].problems).toEqual([{ field: 'birthday', message: expect.stringContaining('send dateFormat') }]);
    const answered = await post(owner, '/imports/preview', utf16, { entity: 'contacts', dateFormat: 'mm/dd/yyyy' });
    expect(answered.body).toMatchObject({
      dateFormat: { format: 'mm/dd/yyyy', source: 'request', question: null },
      rows: [{ values: { birthday: '1990-03-04' } }],
    });

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Contacts');
    sheet.addRow(['Mail', 'Company']);
    for (let index = 0; index < 30; index++) sheet.addRow([`x${index}@example.com`, 'Engines']);
    const xlsx = await post(
      owner,
      '/imports/preview',
      Buffer.from(await workbook.xlsx.writeBuffer()),
      { entity: 'contacts', mapping: '{"Mail":"email"}' },
      'c.xlsx',
    );
    expect(xlsx.body).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null, truncated: false });
    expect(xlsx.body.mapping[0]).toMatchObject({ column: 'Mail', field: 'email', matchedBy: 'mapping' });
    expect(xlsx.body.rows).toHaveLength(20);
    expect(xlsx.body.rows[19]).toEqual({ line: 21, values: { email: 'x19@example.com', companyName: 'Engines' }, problems: [] });

    const companies = await post(owner, '/imports/preview', 'Name,Website\nAcme,acme.example\n', { entity: 'companies' });
    expect(companies.body.rows[0].values).toMatchObject({ name: 'Acme', domain: 'acme.example' });
  });

  it('reads only the start of a large upload and discards the rest', async () => {
    const owner = await stack.signUp();
    const line = 'someone@example.com,' + 'x'.repeat(80) + '\n';
    const large = 'Email,Job Title\n' + line.repeat(Math.ceil((3 * MiB) / line.length));
    const preview = await post(owner, '/imports/preview', large, { entity: 'contacts' });
    expect(preview.status).toBe(200);
    expect(preview.body.rows).toHaveLength(20);
    expect(preview.body.truncated).toBe(false);
    // A first row longer than what is read: the preview says it saw none whole.
    const wide = await post(owner, '/imports/preview', 'Email,Notes\na@example.com,' + 'y'.repeat(MiB) + '\n', { entity: 'contacts' });
    expect(wide.body).toMatchObject({ rows: [], truncated: true, columns: ['Email', 'Notes'] });
    // A workbook is a zip: beyond what is read, exceljs cannot reach its rows, and says so.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Contacts');
    sheet.addRow(['Email', 'Note']);
    for (let index = 0; index < 40_000; index++) sheet.addRow([`x${index}@example.com`, `note ${index} ${index * 7919}`]);
    const book = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(book.length).toBeGreaterThan(MiB / 2);
    const refused = await post(owner, '/imports/preview', book, { entity: 'contacts' }, 'big.xlsx');
    expectError(refused, 422, 'file');
    expect(refused.body.error.details[0].issue).toContain('cannot be previewed from its first 512 KiB');
  });

  it('refuses bad requests with 4xx naming the field: not multipart, no file, bad entity, mapping or dateFormat, an unreadable file, over the size limit', async () => {
    const owner = await stack.signUp();
    expectError(await owner.post('/imports/preview', { entity: 'contacts' }), 415, 'file');
    const noFile = await fetch(`${stack.api}/imports/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}` },
      body: (() => {
        const form = new FormData();
        form.append('entity', 'contacts');
        return form;
      })(),
    });
    expectError({ status: noFile.status, body: await noFile.json(), headers: noFile.headers }, 422, 'file');
    expectError(await post(owner, '/imports/preview', csv, { entity: 'deals' }), 422, 'entity');
    expectError(await post(owner, '/imports/preview', csv, { entity: 'contacts', mapping: '[1]' }), 422, 'mapping');
    expectError(await post(owner, '/imports/preview', csv, { entity: 'contacts', mapping: '{"Birthday":"shoeSize"}' }), 422, 'mapping.Birthday');
    expectError(await post(owner, '/imports/preview', csv, { entity: 'contacts', dateFormat: 'dd/mm/yy' }), 422, 'dateFormat');
    expectError(await post(owner, '/imports/preview', 'Email,Name\n"open quote,x\n', { entity: 'contacts' }), 422, 'file');
    const tooLarge = await post(owner, '/imports/preview', Buffer.alloc(MiB + 1, 'a'), { entity: 'contacts' }, 'big.csv', `${small.url}/api/v1`);
    expectError(tooLarge, 413, 'file');
    const member = await stack.as(owner, 'member');
    expectError(await post(member, '/imports/preview', csv, { entity: 'contacts' }), 403);
  });
});

describe('vCard', () => {
  const vcf = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'FN:Ada Lovelace',
    'N:Lovelace;Ada;;;',
    'ORG:Analytical Engines',
    'TITLE:Countess',
    'EMAIL;TYPE=INTERNET,WORK,PREF:ada@work.example',
    'EMAIL;TYPE=INTERNET,HOME:ada@home.example',
    'TEL;TYPE=CELL:+44 7700 900123',
    'TEL;TYPE=HOME,VOICE:+44 20 7946 0018',
    'ADR;TYPE=WORK:;;12 St James Square;London;;SW1Y 4JH;United Kingdom',
    'URL:https://ada.example.com',
    'BDAY:1815-12-10',
    'NOTE:Met at the exhibition',
    'END:VCARD',
    'BEGIN:VCARD',
    'VERSION:2.1',
    'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=9Cnal;Zo=C3=AB',
    'TEL;WORK;VOICE:+1-415-555-0100',
    'END:VCARD',
    'BEGIN:VCARD',
    'VERSION:4.0',
    'FN:No Identity',
    'END:VCARD',
    '',
  ].join('\r\n');

  it('imports cards through the same mapping, row checks, merge and undo as a CSV', async () => {
    const owner = await stack.signUp();
    const preview = await post(owner, '/imports/preview', vcf, { entity: 'contacts' }, 'people.vcf');
    expect(preview.body).toMatchObject({ format: 'vcard', encoding: 'utf-8', unmappedColumns: ['Note'] });
    expect(preview.body.rows.map((row: { line: number }) => row.line)).toEqual([1, 16, 21]);

    const result = await imported(owner, vcf, { entity: 'contacts' }, 'people.vcf');
    expect(result).toMatchObject({ status: 'completed', created: 2, failed: 1 });
    expect(result.errors).toEqual([{ row: 21, message: 'needs an email or a phone number to be matched' }]);
    const ada = await contactByEmail(owner, 'ada@work.example');
    expect(ada).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      companyName: 'Analytical Engines',
      jobTitle: 'Countess',
      emails: [{ email: 'ada@home.example', label: 'home' }],
      phone: '+447700900123',
      phones: [{ phone: '+442079460018', label: 'home', extension: null }],
      address: { line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
      website: 'https://ada.example.com',
      birthday: '1815-12-10',
    });
    const [zoe] = await stack.owner.query(
      `SELECT first_name AS "firstName", last_name AS "lastName", phone FROM crm.contacts WHERE workspace_id = $1 AND phone = $2`,
      [owner.workspaceId, '+14155550100'],
    );
    expect(zoe).toEqual({ firstName: 'Zoë', lastName: 'Ünal', phone: '+14155550100' });

    // Detected by content without the extension; the same cards again match and change nothing.
    const again = await imported(owner, vcf, { entity: 'contacts' }, 'export.txt');
    expect(again).toMatchObject({ created: 0, updated: 0, failed: 1, conflicts: 0 });
    expect((await owner.post(`/imports/${result.id}/undo`)).status).toBe(200);
    expect(await contactByEmail(owner, 'ada@work.example')).toBeNull();
  });
});

describe('GET /contacts by city and country', () => {
  it('filters imported addresses by city (any case) and country code, one of; refuses a name or a lower-case code', async () => {
    const owner = await stack.signUp();
    await imported(
      owner,
      'Email,City,Country\nlon@example.com,London,United Kingdom\nman@example.com,Manchester,GB\nber@example.com,Berlin,Germany\nnone@example.com,,\n',
    );
    const emails = async (query: string) =>
      ((await owner.get(`/contacts?${query}`)).body.data as Array<{ email: string }>).map((contact) => contact.email).sort();
    expect(await emails('city=london')).toEqual(['lon@example.com']);
    expect(await emails('city=LONDON,Berlin')).toEqual(['ber@example.com', 'lon@example.com']);
    expect(await emails('country=GB')).toEqual(['lon@example.com', 'man@example.com']);
    expect(await emails('country=GB,DE&city=berlin')).toEqual(['ber@example.com']);
    expect(await emails('city=Paris')).toEqual([]);
    expectError(await owner.get('/contacts?country=gb'), 400, 'country');
    expectError(await owner.get('/contacts?country=Germany'), 400, 'country');
    expectError(await owner.get('/contacts?country=XX'), 400, 'country');
    expectError(await owner.get(`/contacts?city=${'x'.repeat(201)}`), 400, 'city');
  });
});
