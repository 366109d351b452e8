import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import { FileStore } from '@kinship/platform';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import type { Queue } from 'bull';
import type { CrmCaller } from '../common/crm-caller.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { crmService } from '../crm.service.js';
import { CrmSettingsService } from '../settings/crm-settings.service.js';
import { IMPORTS_QUEUE, ImportsProcessor, type ImportJob } from './imports.processor.js';
import { ImportsService } from './imports.service.js';

function owner(): CrmCaller {
  return { workspaceId: randomUUID(), userId: randomUUID(), role: 'owner', scopes: [] };
}

describe('contact imports (service tier): matching rows to contacts by email and phone', () => {
  let crm: ServiceTest;
  let imports: ImportsService;
  let contacts: ContactsService;

  /** Stores the file as an upload would, starts the import, and runs its queued job as the imports worker would. */
  async function runImport(caller: CrmCaller, csv: string, mode: 'merge' | 'overwrite' = 'merge') {
    const fileKey = `imports/${randomUUID()}`;
    await crm.get(FileStore).put(fileKey, Readable.from([Buffer.from(csv)]));
    const { id } = await imports.create(caller, { fileKey, fileName: 'contacts.csv', entity: 'contacts', mode });
    const job = await crm.get<Queue<ImportJob>>(getQueueToken(IMPORTS_QUEUE)).getJob(id);
    await crm.get(ImportsProcessor).run(job!);
    return imports.get(caller, id);
  }

  async function stored(workspaceId: string) {
    return crm.owner.query(
      `SELECT first_name AS "firstName", last_name AS "lastName", email, phone, job_title AS "jobTitle" FROM crm.contacts WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, email`,
      [workspaceId],
    );
  }

  beforeAll(async () => {
    crm = await startServiceTest(crmService);
    imports = crm.get(ImportsService);
    contacts = crm.get(ContactsService);
  });

  afterAll(async () => {
    await crm?.close();
  });

  it('merges a row into the contact with its email (any case) or its phone (read in the workspace’s region), fills empty fields, and queues differing ones as conflicts', async () => {
    const caller = owner();
    await crm.get(CrmSettingsService).update(caller, { defaultPhoneRegion: 'GB' });
    const ada = await contacts.create(caller, { firstName: 'Ada', email: 'ada@example.com' });
    await contacts.create(caller, { firstName: 'Grace', phone: '+44 7700 900123' });

    const view = await runImport(
      caller,
      [
        'Email,Phone,First Name,Last Name,Job Title',
        'ADA@Example.com,,Augusta,Lovelace,Analyst',
        ',07700 900123,,Hopper,Admiral',
        'hedy@example.com,,Hedy,,',
        'Hedy@Example.com,,,Lamarr,Inventor',
        'not-an-email,,Bad,Row,',
      ].join('\n'),
    );

    expect(view).toMatchObject({ status: 'completed', created: 1, updated: 2, conflicts: 1, failed: 1 });
    expect(view.errors).toEqual([{ row: 6, message: expect.stringContaining('email') }]);
    expect(await stored(caller.workspaceId)).toEqual([
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: null, jobTitle: 'Analyst' },
      { firstName: 'Grace', lastName: 'Hopper', email: null, phone: '+447700900123', jobTitle: 'Admiral' },
      { firstName: 'Hedy', lastName: 'Lamarr', email: 'hedy@example.com', phone: null, jobTitle: 'Inventor' },
    ]);
    const conflicts = await imports.conflicts(caller, { id: view.id });
    expect(conflicts.data).toMatchObject([{ recordId: ada.id, field: 'firstName', existingValue: 'Ada', incomingValue: 'Augusta' }]);
  });

  it('never gives a row’s phone to a second contact: matched by email first, the phone another contact holds is left as a conflict', async () => {
    const caller = owner();
    const ada = await contacts.create(caller, { firstName: 'Ada', email: 'ada@example.com' });
    await contacts.create(caller, { firstName: 'Grace', phone: '+1 202 555 0143' });

    const view = await runImport(caller, 'Phone,Email\n+1 (202) 555-0143,Ada@example.com\n');

    expect(view).toMatchObject({ status: 'completed', created: 0, updated: 0, conflicts: 1 });
    expect((await contacts.get(caller, ada.id)).phone).toBeNull();
    const conflicts = await imports.conflicts(caller, { id: view.id });
    expect(conflicts.data).toMatchObject([{ recordId: ada.id, field: 'phone', existingValue: null, incomingValue: '+12025550143' }]);
  });

  it('refuses a mapping to a field contacts do not have with 422, and records no import', async () => {
    const caller = owner();
    const fileKey = `imports/${randomUUID()}`;
    await crm.get(FileStore).put(fileKey, Readable.from([Buffer.from('Email\nada@example.com\n')]));
    const refused = await refusal(imports.create(caller, { fileKey, fileName: 'contacts.csv', entity: 'contacts', mapping: { Email: 'domain' } }));
    expect(refused).toMatchObject({ status: 422, details: [{ field: 'mapping.Email' }] });
    expect(await crm.owner.query('SELECT id FROM crm.imports WHERE workspace_id = $1', [caller.workspaceId])).toEqual([]);
    expect(await crm.get(FileStore).get(fileKey)).toBeNull();
  });
});
