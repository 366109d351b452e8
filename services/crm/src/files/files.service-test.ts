import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import type { CrmCaller } from '../common/crm-caller.js';
import { crmService } from '../crm.service.js';
import { FilesService } from './files.service.js';

const QUOTA = 1000;

function caller(workspaceId: string = randomUUID()): CrmCaller {
  return { workspaceId, userId: randomUUID(), role: 'owner', scopes: [] };
}

function upload(size: number) {
  return { objectKey: `files/${randomUUID()}`, name: 'a.bin', contentType: 'application/octet-stream', size };
}

describe('files (service tier): the quota under concurrent uploads, and row-level security', () => {
  let crm: ServiceTest;
  let files: FilesService;

  beforeAll(async () => {
    crm = await startServiceTest(crmService, { env: { FILES_QUOTA_BYTES: String(QUOTA) } });
    files = crm.get(FilesService);
  });

  afterAll(async () => {
    await crm?.close();
  });

  it('lets exactly one of eight concurrent uploads take the last bytes of the quota', async () => {
    const owner = caller();
    await files.create(owner, upload(400));
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => files.create(owner, upload(500))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')!;
    expect(refused.reason).toMatchObject({ status: 413, code: 'quota_exceeded' });
    expect(await files.usage(owner)).toEqual({ used: 900, quota: QUOTA, available: 100, files: 2 });
    const [{ count }] = await crm.owner.query('SELECT count(*)::int AS count FROM crm.files WHERE workspace_id = $1', [owner.workspaceId]);
    expect(count).toBe(2);
  });

  it('hides another workspace’s files and their bytes: 404, nothing attached', async () => {
    const owner = caller();
    const other = caller();
    const file = await files.create(owner, upload(10));
    expect(await refusal(files.open(other, { id: file.id }))).toMatchObject({ status: 404 });
    expect(await refusal(files.delete(other, file.id))).toMatchObject({ status: 404 });
    const [{ id: contactId }] = await crm.owner.query(
      `INSERT INTO crm.contacts (id, workspace_id, first_name) VALUES (gen_random_uuid(), $1, 'Other') RETURNING id`,
      [other.workspaceId],
    );
    expect(await refusal(files.attach(other, { type: 'contact', id: contactId }, file.id))).toMatchObject({ status: 404 });
    expect(await refusal(files.attach(owner, { type: 'contact', id: contactId }, file.id))).toMatchObject({ status: 404 });
    const attachments = await crm.owner.query('SELECT 1 FROM crm.file_attachments WHERE file_id = $1', [file.id]);
    expect(attachments).toEqual([]);
    expect((await files.open(owner, { id: file.id })).file.id).toBe(file.id);
  });
});
