import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents, FileStore } from '@kinship/platform';
import { startServiceTest, type ServiceTest } from '@kinship/testing';
import type { DataSource, EntityManager } from 'typeorm';
import type { CrmCaller } from '../common/crm-caller.js';
import { COMPANY_COLUMNS, toCompanyEvent } from '../companies/companies.repository.js';
import { CONTACT_COLUMNS, toContactEvent } from '../contacts/contact.model.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { crmService } from '../crm.service.js';
import {
  checkPlan,
  planAhead,
  planLocked,
  transactionId,
  writeBatch,
  type BatchContext,
  type BatchPlan,
  type BatchRow,
  type WrittenBatch,
} from './import-batch.js';
import { IMPORTED_CONTACTS } from './import-entities.js';
import { ImportsService } from './imports.service.js';

function owner(): CrmCaller {
  return { workspaceId: randomUUID(), userId: randomUUID(), role: 'owner', scopes: [] };
}

describe('import batches merged ahead of their write (service tier)', () => {
  let crm: ServiceTest;
  let contacts: ContactsService;

  /** An import to write batches for (its job is queued and never run here: the test writes the batches itself). */
  async function context(caller: CrmCaller): Promise<BatchContext> {
    const fileKey = `imports/${randomUUID()}`;
    await crm.get(FileStore).put(fileKey, Readable.from([Buffer.from('Email\n')]));
    const { id } = await crm.get(ImportsService).create(caller, { fileKey, fileName: 'contacts.csv', entity: 'contacts', mode: 'merge' });
    return { workspaceId: caller.workspaceId, importId: id, requestedBy: caller.userId, batch: 1, rules: { overwrite: false, lifecycleBackward: false } };
  }

  function plan(batch: BatchContext, rows: BatchRow[], prior: BatchPlan | null): Promise<BatchPlan> {
    const dataSource = crm.get<DataSource>(getDataSourceToken());
    const inWorkspace = <T>(work: (manager: EntityManager) => Promise<T>) => withWorkspace(dataSource, batch.workspaceId, work);
    return planAhead(inWorkspace, IMPORTED_CONTACTS, batch, rows, prior);
  }

  /** Writes a batch as the worker does: its plan if it still holds, else merged again under locks. */
  async function write(batch: BatchContext, rows: BatchRow[], planned: BatchPlan, prior: WrittenBatch | null) {
    return crm.get(DomainEvents).transaction(batch.workspaceId, async (manager, emit) => {
      const holds = await checkPlan(manager, IMPORTED_CONTACTS, batch.workspaceId, planned, prior);
      const used = holds ? planned : await planLocked(manager, IMPORTED_CONTACTS, batch, rows);
      const outcome = await writeBatch(manager, emit, IMPORTED_CONTACTS, batch, used);
      return { holds, outcome, written: { plan: used, transactionId: await transactionId(manager) } };
    });
  }

  async function stored(workspaceId: string) {
    return crm.owner.query(
      `SELECT first_name AS "firstName", last_name AS "lastName", email, job_title AS "jobTitle" FROM crm.contacts WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, email`,
      [workspaceId],
    );
  }

  beforeAll(async () => {
    crm = await startServiceTest(crmService);
    contacts = crm.get(ContactsService);
  });

  afterAll(async () => {
    await crm?.close();
  });

  it('writes a plan whose records are unchanged since it read them', async () => {
    const caller = owner();
    await contacts.create(caller, { firstName: 'Ada', email: 'ada@example.com' });
    const batch = await context(caller);
    const rows = [{ line: 2, values: { email: 'ada@example.com', jobTitle: 'Analyst' } }];

    const result = await write(batch, rows, await plan(batch, rows, null), null);

    expect(result).toMatchObject({ holds: true, outcome: { created: 0, updated: 1, conflicts: 0 } });
    expect(await stored(caller.workspaceId)).toEqual([{ firstName: 'Ada', lastName: null, email: 'ada@example.com', jobTitle: 'Analyst' }]);
  });

  it('stores a new contact’s text, tags, address and custom fields exactly as its row held them: quotes, backslashes, tabs, line breaks, braces, NULL', async () => {
    const caller = owner();
    const batch = await context(caller);
    const awkward = 'back\\slash, "quotes", tab\there, new\nline, return\r, \\N, {braces}';
    const rows = [
      {
        line: 2,
        values: {
          email: 'escapes@example.com',
          firstName: awkward,
          jobTitle: 'NULL',
          birthday: '1990-02-03',
          tags: ['a,b', 'with "quote"', 'back\\slash', '{braces}', 'NULL', 'tab\tin'],
          address: { street: awkward, city: 'Zürich' },
          customFields: { note: awkward, count: 3 },
        },
      },
    ];

    const result = await write(batch, rows, await plan(batch, rows, null), null);

    expect(result).toMatchObject({ holds: true, outcome: { created: 1 } });
    const [contact] = await crm.owner.query(
      `SELECT first_name AS "firstName", job_title AS "jobTitle", birthday::text AS birthday, tags, address, custom_fields AS "customFields", emails, phones
       FROM crm.contacts WHERE workspace_id = $1`,
      [caller.workspaceId],
    );
    expect(contact).toEqual({ ...rows[0]!.values, email: undefined, emails: [], phones: [] });
  });

  it('announces each created contact and company exactly as stored: the defaults, dates, ids, nulls and JSON the database holds', async () => {
    const caller = owner();
    const batch = await context(caller);
    const rows = [
      {
        line: 2,
        values: {
          email: 'katherine@example.com',
          emails: [{ email: 'kj@example.org', label: 'work' }],
          phone: '+15550100',
          phoneExtension: '12',
          phones: [{ phone: '+15550101', label: null, extension: null }],
          firstName: 'Katherine',
          birthday: '0999-02-03',
          lifecycleStage: 'customer' as const,
          companyName: 'NASA',
          tags: ['pioneer', 'with "quote"'],
          address: { street: 'Main St', city: 'Hampton', country: 'US' },
          customFields: { zeta: 1.5, alpha: true, mid: 'x' },
        },
      },
      { line: 3, values: { email: 'dorothy@example.com', lastName: 'Vaughan' } },
    ];

    const result = await write(batch, rows, await plan(batch, rows, null), null);

    expect(result).toMatchObject({ holds: true, outcome: { created: 2 } });
    const contactsStored = await crm.owner.query(`SELECT ${CONTACT_COLUMNS} FROM crm.contacts r WHERE r.workspace_id = $1 ORDER BY r.email`, [
      caller.workspaceId,
    ]);
    const companiesStored = await crm.owner.query(`SELECT ${COMPANY_COLUMNS} FROM crm.companies r WHERE r.workspace_id = $1`, [caller.workspaceId]);
    const announced = async (type: string, key: string) => {
      const events: Array<{ data: Record<string, unknown[]> }> = await crm.owner.query(
        `SELECT payload->'data' AS data FROM crm.outbox WHERE type = $1 AND payload->>'aggregateId' = $2 ORDER BY position`,
        [type, batch.importId],
      );
      return events.flatMap((event) => event.data[key]!);
    };
    // As a consumer reads them: JSON, whose objects' key order carries nothing.
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));
    const contactEvents = (await announced('contacts.imported', 'contacts')) as Array<{ email: string }>;
    expect(contactEvents.sort((a, b) => a.email.localeCompare(b.email))).toEqual(asJson(contactsStored.map(toContactEvent)));
    expect(await announced('companies.imported', 'companies')).toEqual(asJson(companiesStored.map(toCompanyEvent)));
    expect(contactsStored).toHaveLength(2);
    expect(companiesStored).toHaveLength(1);
    expect(contactEvents[0]).toMatchObject({ lifecycleStage: 'lead', emailOptOut: false, smsOptOut: false, birthday: null, tags: [] });
    expect(contactEvents[1]).toMatchObject({ birthday: '0999-02-03', customerSince: expect.any(String), companyId: companiesStored[0].id });
  });

  it('merges a batch again under locks when a record it read was edited before its write: the edit is kept and the row’s value queued as a conflict', async () => {
    const caller = owner();
    const ada = await contacts.create(caller, { firstName: 'Ada', email: 'ada@example.com' });
    const batch = await context(caller);
    const rows = [{ line: 2, values: { email: 'ada@example.com', jobTitle: 'Analyst' } }];
    const planned = await plan(batch, rows, null);
    await contacts.update(caller, { id: ada.id, jobTitle: 'Engineer' });

    const result = await write(batch, rows, planned, null);

    expect(result).toMatchObject({ holds: false, outcome: { created: 0, updated: 0, conflicts: 1 } });
    expect(await stored(caller.workspaceId)).toEqual([{ firstName: 'Ada', lastName: null, email: 'ada@example.com', jobTitle: 'Engineer' }]);
  });

  it('merges a contact created through the API after the plan read, instead of creating a second one', async () => {
    const caller = owner();
    const batch = await context(caller);
    const rows = [{ line: 2, values: { email: 'grace@example.com', lastName: 'Hopper' } }];
    const planned = await plan(batch, rows, null);
    await contacts.create(caller, { firstName: 'Grace', email: 'grace@example.com' });

    const result = await write(batch, rows, planned, null);

    expect(result).toMatchObject({ holds: false, outcome: { created: 0, updated: 1 } });
    expect(await stored(caller.workspaceId)).toEqual([{ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', jobTitle: null }]);
  });

  it('plans a batch while the one before is unwritten, taking its writes from its plan: a row repeating an email of the batch before merges into that contact', async () => {
    const caller = owner();
    const first = await context(caller);
    const second = { ...first, batch: 2 };
    const firstRows = [{ line: 2, values: { email: 'hedy@example.com', firstName: 'Hedy' } }];
    const secondRows = [{ line: 3, values: { email: 'hedy@example.com', lastName: 'Lamarr', jobTitle: 'Inventor' } }];
    const firstPlan = await plan(first, firstRows, null);
    const secondPlan = await plan(second, secondRows, firstPlan);

    const firstWrite = await write(first, firstRows, firstPlan, null);
    const secondWrite = await write(second, secondRows, secondPlan, firstWrite.written);

    expect(firstWrite).toMatchObject({ holds: true, outcome: { created: 1, updated: 0 } });
    // Updated 0: the contact is the import's own creation, which stays "created" for undo.
    expect(secondWrite).toMatchObject({ holds: true, outcome: { created: 0, updated: 0, conflicts: 0 } });
    expect(await stored(caller.workspaceId)).toEqual([{ firstName: 'Hedy', lastName: 'Lamarr', email: 'hedy@example.com', jobTitle: 'Inventor' }]);
  });

  it('merges a batch again when the batch before was not written as the plan it was based on', async () => {
    const caller = owner();
    const first = await context(caller);
    const second = { ...first, batch: 2 };
    const firstRows = [{ line: 2, values: { email: 'mary@example.com', firstName: 'Mary' } }];
    const secondRows = [{ line: 3, values: { email: 'mary@example.com', lastName: 'Jackson' } }];
    const firstPlan = await plan(first, firstRows, null);
    const secondPlan = await plan(second, secondRows, firstPlan);
    // The first batch merged again (as after an edit): its written plan is another one.
    const firstWrite = await write(first, firstRows, await plan(first, firstRows, null), null);

    const secondWrite = await write(second, secondRows, secondPlan, firstWrite.written);

    expect(secondWrite.holds).toBe(false);
    expect(await stored(caller.workspaceId)).toEqual([{ firstName: 'Mary', lastName: 'Jackson', email: 'mary@example.com', jobTitle: null }]);
  });
});
