import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import { OBJECTS_MAX, type CreateObjectBody, type ObjectFieldBody } from '@kinship/contracts/crm';
import type { CrmCaller } from '../common/crm-caller.js';
import { crmService } from '../crm.service.js';
import { ObjectCatalog } from './object-catalog.js';
import { ObjectRecordsService } from './object-records.service.js';
import { ObjectsRepository } from './objects.repository.js';
import { ObjectsService } from './objects.service.js';

function caller(workspaceId: string = randomUUID(), role: CrmCaller['role'] = 'owner'): CrmCaller {
  return { workspaceId, userId: randomUUID(), role, scopes: [] };
}

const PROPERTY_FIELDS: ObjectFieldBody[] = [
  { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
  { key: 'propertyType', label: 'Property type', type: 'select', options: ['house', 'flat', 'land'] },
  { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
  { key: 'price', label: 'Price', type: 'currency' },
  { key: 'listedOn', label: 'Listed on', type: 'date' },
  { key: 'features', label: 'Features', type: 'multi_select', options: ['garden', 'garage', 'pool'] },
  { key: 'address', label: 'Address', type: 'address' },
  { key: 'owner', label: 'Owner', type: 'relation', target: 'contacts' },
  { key: 'agentEmail', label: 'Agent email', type: 'email', searchable: true },
];

function property(overrides: Partial<CreateObjectBody> = {}): CreateObjectBody {
  return { key: 'property', singularLabel: 'Property', pluralLabel: 'Properties', icon: 'building', fields: PROPERTY_FIELDS, ...overrides };
}

describe('custom objects (service tier): definitions, records, and the definition cache', () => {
  let crm: ServiceTest;
  let objects: ObjectsService;
  let records: ObjectRecordsService;
  let catalog: ObjectCatalog;

  beforeAll(async () => {
    crm = await startServiceTest(crmService);
    objects = crm.get(ObjectsService);
    records = crm.get(ObjectRecordsService);
    catalog = crm.get(ObjectCatalog);
  });

  afterAll(async () => {
    await crm?.close();
  });

  async function contact(workspaceId: string): Promise<string> {
    const [{ id }] = await crm.owner.query(`INSERT INTO crm.contacts (id, workspace_id, first_name) VALUES (gen_random_uuid(), $1, 'Ada') RETURNING id`, [
      workspaceId,
    ]);
    return id as string;
  }

  it('defines an object with typed fields; refuses built-in keys, bad settings and taken keys, changing nothing', async () => {
    const owner = caller();
    const object = await objects.create(owner, property());
    expect(object).toMatchObject({ key: 'property', singularLabel: 'Property', pluralLabel: 'Properties', icon: 'building', deletedAt: null });
    expect(object.fields.find((field) => field.key === 'owner')).toEqual({
      key: 'owner',
      label: 'Owner',
      type: 'relation',
      required: false,
      searchable: false,
      options: [],
      target: 'contacts',
    });

    expect(await refusal(objects.create(owner, property({ key: 'contacts' })))).toMatchObject({ status: 422, details: [{ field: 'key' }] });
    expect(await refusal(objects.create(owner, property({ key: 'invoices' })))).toMatchObject({ status: 422, details: [{ field: 'key' }] });
    const badFields = await refusal(
      objects.create(
        owner,
        property({
          key: 'listing',
          fields: [
            { key: 'kind', label: 'Kind', type: 'select' },
            { key: 'home', label: 'Home', type: 'relation', target: 'spaceships' },
            { key: 'home', label: 'Again', type: 'number', searchable: true },
          ],
        }),
      ),
    );
    expect(badFields).toMatchObject({ status: 422 });
    expect(badFields.details.map((detail) => detail.field).sort()).toEqual(['fields.0.options', 'fields.1.target', 'fields.2.key', 'fields.2.searchable']);
    expect(await refusal(objects.create(owner, property()))).toMatchObject({ status: 409, details: [{ field: 'key', existingId: object.id }] });
    const [{ count }] = await crm.owner.query('SELECT count(*)::int AS count FROM crm.object_definitions WHERE workspace_id = $1', [owner.workspaceId]);
    expect(count).toBe(1);

    // A relation to another custom object, and to the object being defined.
    const viewing = await objects.create(owner, {
      key: 'viewing',
      singularLabel: 'Viewing',
      pluralLabel: 'Viewings',
      fields: [
        { key: 'property', label: 'Property', type: 'relation', target: 'property' },
        { key: 'previous', label: 'Previous viewing', type: 'relation', target: 'viewing' },
      ],
    });
    expect(viewing.fields.map((field) => field.target)).toEqual(['property', 'viewing']);
  });

  it('keeps definitions to admins: a manager may read them but not define one', async () => {
    const manager = caller(randomUUID(), 'manager');
    expect(await refusal(objects.create(manager, property()))).toMatchObject({ status: 403 });
    expect((await objects.list(manager, {})).data).toEqual([]);
  });

  it(`allows ${OBJECTS_MAX} live object types per workspace, and more once one is deleted`, async () => {
    const owner = caller();
    for (let index = 0; index < OBJECTS_MAX; index += 1) {
      await objects.create(owner, { key: `thing_${index}`, singularLabel: 'Thing', pluralLabel: 'Things' });
    }
    expect(await refusal(objects.create(owner, { key: 'one_more', singularLabel: 'One', pluralLabel: 'More' }))).toMatchObject({
      status: 422,
      details: [{ field: 'key' }],
    });
    await objects.delete(owner, 'thing_0');
    expect((await objects.create(owner, { key: 'one_more', singularLabel: 'One', pluralLabel: 'More' })).key).toBe('one_more');
    expect(await refusal(objects.restore(owner, 'thing_0'))).toMatchObject({ status: 422 });
  });

  it('creates, checks, lists, searches, deletes and restores records, with events carrying the object key', async () => {
    const owner = caller();
    await objects.create(owner, property());
    const adaId = await contact(owner.workspaceId);
    const house = await records.create(owner, {
      object: 'property',
      values: {
        name: 'Rose Cottage',
        propertyType: 'house',
        bedrooms: 3,
        price: { amount: 45_000_000, currency: 'GBP' },
        listedOn: '2026-11-02',
        features: ['garden'],
        address: { line1: '1 Lane', city: 'Bath', country: 'United Kingdom' },
        owner: adaId,
        agentEmail: ' agent@example.com ',
      },
    });
    expect(house).toMatchObject({
      object: 'property',
      values: { address: { line1: '1 Lane', city: 'Bath', country: 'GB' }, agentEmail: 'agent@example.com', owner: adaId },
      createdBy: owner.userId,
      deletedAt: null,
    });
    const flat = await records.create(owner, { object: 'property', values: { name: 'Harbour Flat', propertyType: 'flat', bedrooms: 1 } });
    await records.create(owner, { object: 'property', values: { name: 'Top Field', propertyType: 'land' } });

    const wrong = await refusal(
      records.create(owner, {
        object: 'property',
        values: { bedrooms: 'three', propertyType: 'castle', price: { amount: 1.5, currency: 'GBP' }, colour: 'red' },
      }),
    );
    expect(wrong).toMatchObject({ status: 422 });
    expect(wrong.details.map((detail) => detail.field).sort()).toEqual([
      'values.bedrooms',
      'values.colour',
      'values.name',
      'values.price',
      'values.propertyType',
    ]);
    expect(await refusal(records.update(owner, { object: 'property', id: flat.id, values: { name: null } }))).toMatchObject({
      status: 422,
      details: [{ field: 'values.name', issue: 'is required' }],
    });
    expect(await refusal(records.create(owner, { object: 'property', values: { name: 'X', address: { country: 'Atlantis' } } }))).toMatchObject({
      details: [{ field: 'values.address' }],
    });

    const list = (filter?: object, extra: object = {}) =>
      records
        .list(owner, { object: 'property', ...(filter ? { filter: JSON.stringify(filter) } : {}), ...extra })
        .then((page) => page.data.map((record) => record.values.name));
    expect(await list()).toEqual(['Top Field', 'Harbour Flat', 'Rose Cottage']);
    expect(await list({ propertyType: ['house', 'flat'] }, { sort: 'name' })).toEqual(['Harbour Flat', 'Rose Cottage']);
    expect(await list({ bedroomsFrom: 2 })).toEqual(['Rose Cottage']);
    expect(await list({ propertyType: 'house', bedrooms: 3, price: { currency: 'GBP' } })).toEqual(['Rose Cottage']);
    expect(await list({ propertyType: 'flat', bedrooms: 3 })).toEqual([]);
    expect(await list({ features: 'garden' })).toEqual(['Rose Cottage']);
    expect(await list({ bedrooms: null })).toEqual(['Top Field']);
    expect(await list({ address: { country: 'GB' } })).toEqual(['Rose Cottage']);
    expect(await list(undefined, { sort: '-bedrooms' })).toEqual(['Rose Cottage', 'Harbour Flat', 'Top Field']);
    expect(await list(undefined, { q: 'harb' })).toEqual(['Harbour Flat']);
    expect(await list(undefined, { q: 'agent@example' })).toEqual(['Rose Cottage']);
    expect(await refusal(list({ colour: 'red' }))).toMatchObject({ status: 400, details: [{ field: 'filter.colour' }] });
    expect(await refusal(list({ nameFrom: 'a' }))).toMatchObject({ status: 400, details: [{ field: 'filter.nameFrom' }] });
    expect(await list({ nameContains: ' OTTAG ' })).toEqual(['Rose Cottage']);
    expect(await list({ nameContains: 'a', propertyType: 'flat' })).toEqual(['Harbour Flat']);
    // % and _ are the text itself, not wildcards.
    expect(await list({ nameContains: '%' })).toEqual([]);
    expect(await list({ nameContains: 'Top_Field' })).toEqual([]);
    expect(await refusal(list({ bedroomsContains: '3' }))).toMatchObject({ status: 400, details: [{ field: 'filter.bedroomsContains' }] });
    for (const bad of ['', ' ', 5, 'x'.repeat(201)]) {
      expect(await refusal(list({ nameContains: bad }))).toMatchObject({ status: 400, details: [{ field: 'filter.nameContains' }] });
    }
    expect(await refusal(list(undefined, { sort: 'features' }))).toMatchObject({ status: 400, details: [{ field: 'sort' }] });

    const first = await records.list(owner, { object: 'property', limit: 2, sort: 'bedrooms' });
    const second = await records.list(owner, { object: 'property', limit: 2, sort: 'bedrooms', cursor: first.nextCursor! });
    expect([...first.data, ...second.data].map((record) => record.values.name)).toEqual(['Top Field', 'Harbour Flat', 'Rose Cottage']);
    expect(second.nextCursor).toBeNull();

    const updated = await records.update(owner, { object: 'property', id: flat.id, values: { bedrooms: 2, propertyType: null } });
    expect(updated.values).toEqual({ name: 'Harbour Flat', bedrooms: 2 });
    await records.delete(owner, 'property', flat.id);
    expect(await list()).toEqual(['Top Field', 'Rose Cottage']);
    expect(await list(undefined, { deleted: true })).toEqual(['Harbour Flat']);
    expect(await refusal(records.update(owner, { object: 'property', id: flat.id, values: { bedrooms: 4 } }))).toMatchObject({ status: 404 });
    expect((await records.restore(owner, 'property', flat.id)).deletedAt).toBeNull();

    const events = await crm.events(owner.workspaceId);
    expect(events.map((event) => event.type)).toEqual([
      'record.created',
      'record.created',
      'record.created',
      'record.updated',
      'record.deleted',
      'record.restored',
    ]);
    expect(events[3]).toMatchObject({
      aggregateId: flat.id,
      data: { record: { id: flat.id, object: 'property', values: { name: 'Harbour Flat', bedrooms: 2 } }, changedFields: ['bedrooms', 'propertyType'] },
    });
    expect(events[4]).toMatchObject({ data: { recordId: flat.id, object: 'property' } });
  });

  it('refuses a relation to another workspace’s record or a deleted one, and hides records across workspaces (404)', async () => {
    const owner = caller();
    const other = caller();
    await objects.create(owner, property());
    await objects.create(other, property());
    const theirs = await contact(other.workspaceId);
    expect(await refusal(records.create(owner, { object: 'property', values: { name: 'A', owner: theirs } }))).toMatchObject({
      status: 422,
      details: [{ field: 'values.owner' }],
    });
    const deleted = await contact(owner.workspaceId);
    await crm.owner.query('UPDATE crm.contacts SET deleted_at = now() WHERE id = $1', [deleted]);
    expect(await refusal(records.create(owner, { object: 'property', values: { name: 'A', owner: deleted } }))).toMatchObject({
      details: [{ field: 'values.owner' }],
    });
    const mine = await records.create(owner, { object: 'property', values: { name: 'Mine' } });
    expect(await refusal(records.get(other, 'property', mine.id))).toMatchObject({ status: 404 });
    expect(await refusal(records.delete(other, 'property', mine.id))).toMatchObject({ status: 404 });
    expect(await refusal(records.get(owner, 'nothing', mine.id))).toMatchObject({ status: 404 });
    const [{ count }] = await crm.owner.query('SELECT count(*)::int AS count FROM crm.object_records WHERE workspace_id = $1', [owner.workspaceId]);
    expect(count).toBe(1);
  });

  it('compiles definitions once per version, and another replica sees a change on its next read', async () => {
    const owner = caller();
    await objects.create(owner, property());
    await records.create(owner, { object: 'property', values: { name: 'One' } });
    const before = catalog.compilations;
    for (let index = 0; index < 5; index += 1) await records.list(owner, { object: 'property' });
    expect(catalog.compilations).toBe(before);

    // A second catalog over the same database stands for another crm replica.
    const replica = new ObjectCatalog(crm.get(ObjectsRepository));
    const read = () => crm.owner.transaction((manager) => replica.objects(manager, owner.workspaceId));
    expect([...(await read()).get('property')!.fields.keys()]).not.toContain('rooms');
    await objects.addField(owner, { object: 'property', key: 'rooms', label: 'Rooms', type: 'number' });
    expect([...(await read()).get('property')!.fields.keys()]).toContain('rooms');
    expect((await records.create(owner, { object: 'property', values: { name: 'Two', rooms: 4 } })).values.rooms).toBe(4);
    expect(catalog.compilations).toBe(before + 1);

    // Making a field searchable rewrites the stored search text of existing records.
    await objects.addField(owner, { object: 'property', key: 'nickname', label: 'Nickname', type: 'text' });
    const nicknamed = await records.create(owner, { object: 'property', values: { name: 'Three', nickname: 'bluebell' } });
    expect((await records.list(owner, { object: 'property', q: 'bluebell' })).data).toEqual([]);
    await objects.updateField(owner, { object: 'property', field: 'nickname', searchable: true });
    expect((await records.list(owner, { object: 'property', q: 'bluebell' })).data.map((record) => record.id)).toEqual([nicknamed.id]);

    await objects.delete(owner, 'property');
    expect(await refusal(records.list(owner, { object: 'property' }))).toMatchObject({ status: 404 });
    await objects.restore(owner, 'property');
    expect((await records.list(owner, { object: 'property' })).data).toHaveLength(3);
  });
});
