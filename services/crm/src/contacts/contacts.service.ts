import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents, InputOf, NotificationsEvents } from '@kinship/contracts';
import { TAGS_MAX, type ContactBody, type ContactPage, type ListContactsQuery, type UpdateContact } from '@kinship/contracts/crm';
import { RpcError, type DomainEvent, type ErrorDetail } from '@kinship/messaging';
import { isUuid, newId, violatesUnique, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { assertHolds, assertMayWrite, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { listPage } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { normaliseEmail, normalisePhone } from '../common/normalise.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import { CONTACT_COLUMNS, CONTACT_LIST, toContactEvent, toContactRecord, type ContactRecord, type ContactRow, type ContactValues } from './contact.model.js';
import { ContactsRepository } from './contacts.repository.js';

/** Fields a change may touch, by their API names; companyName follows companyId. */
const CHANGEABLE_FIELDS: Array<keyof ContactValues> = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'jobTitle',
  'companyId',
  'ownerId',
  'lifecycleStage',
  'leadSource',
  'customerSince',
  'tags',
  'customFields',
  'emailOptOut',
  'smsOptOut',
];

const UNIQUE_INDEXES = [
  { constraint: 'contacts_email_key', field: 'email' as const, message: 'A contact with this email already exists.' },
  { constraint: 'contacts_phone_key', field: 'phone' as const, message: 'A contact with this phone number already exists.' },
];

function contactNotFound(): RpcError {
  return RpcError.notFound('Contact');
}

/** Blank text is no text: "  " clears a field as null does. */
function cleanText(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Trimmed, blank ones dropped, duplicates (case-insensitively) dropped keeping the first spelling. */
function cleanTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const tag of tags.map((candidate) => candidate.trim()).filter(Boolean)) {
    if (seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    result.push(tag);
  }
  return result;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Contacts: people a workspace sells to. Email (case-insensitively) and phone (E.164, read in
 * the workspace's default region) are unique among live contacts; the partial unique indexes
 * decide, so two concurrent creates cannot both win, and the 409 names the live holder.
 */
@Injectable()
export class ContactsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly contacts: ContactsRepository,
    private readonly customFields: CustomFieldValidator,
    private readonly cursors: CursorCodec,
    private readonly users: WorkspaceUsers,
  ) {}

  async create(caller: CrmCaller, input: ContactBody): Promise<ContactRecord> {
    const { workspaceId } = caller;
    const ownerId = input.ownerId === undefined ? caller.userId : input.ownerId;
    assertMayWrite(caller, 'contacts:write', ownerId);
    await this.users.assertActive(caller, 'ownerId', input.ownerId);
    const blank: ContactValues = {
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      jobTitle: null,
      companyId: null,
      companyName: null,
      ownerId: null,
      lifecycleStage: 'lead',
      leadSource: null,
      customerSince: null,
      tags: [],
      customFields: {},
      emailOptOut: false,
      smsOptOut: false,
    };
    return this.writing(workspaceId, () => input, async (manager, emit) => {
      const values = await this.resolve(manager, workspaceId, blank, { ...input, ownerId });
      const row = await this.contacts.insert(manager, { id: newId(), workspaceId, createdBy: caller.userId, ...values });
      await emit<CrmEvents.ContactCreated>({ type: 'contact.created', workspaceId, actorId: caller.userId, aggregateId: row.id, data: { contact: toContactEvent(row) } });
      return toContactRecord(row);
    });
  }

  async get(caller: CrmCaller, id: string): Promise<ContactRecord> {
    assertHolds(caller, 'contacts:read');
    if (!isUuid(id)) throw contactNotFound();
    const row = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.contacts.find(manager, caller.workspaceId, id));
    if (!row) throw contactNotFound();
    return toContactRecord(row);
  }

  async list(caller: CrmCaller, input: ListContactsQuery): Promise<ContactPage> {
    assertHolds(caller, 'contacts:read');
    const page = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      listPage<ContactRow>(this.cursors, manager, caller.workspaceId, CONTACT_LIST, toListRequest(input), CONTACT_COLUMNS),
    );
    return { data: page.rows.map(toContactRecord), nextCursor: page.nextCursor };
  }

  /** Changes what the request names; a request that changes nothing writes nothing and emits nothing. */
  async update(caller: CrmCaller, input: InputOf<typeof UpdateContact>): Promise<ContactRecord> {
    assertHolds(caller, 'contacts:write');
    if (!isUuid(input.id)) throw contactNotFound();
    await this.users.assertActive(caller, 'ownerId', input.ownerId);
    const { workspaceId } = caller;
    const { id, ...changes } = input;
    return this.writing(workspaceId, () => changes, async (manager, emit) => {
      const current = await this.contacts.findLive(manager, workspaceId, id, { forUpdate: true });
      if (!current) throw contactNotFound();
      assertMayWrite(caller, 'contacts:write', current.ownerId);
      if (changes.ownerId !== undefined && changes.ownerId !== current.ownerId) assertMayWrite(caller, 'contacts:write', changes.ownerId);
      const values = await this.resolve(manager, workspaceId, current, changes);
      const changedFields = CHANGEABLE_FIELDS.filter((field) => !sameValue(values[field], current[field]));
      if (changedFields.length === 0) return toContactRecord(current);
      const row = await this.contacts.update(manager, workspaceId, id, values);
      await emit<CrmEvents.ContactUpdated>({
        type: 'contact.updated',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { contact: toContactEvent(row), changedFields },
      });
      return toContactRecord(row);
    });
  }

  /** Soft delete: the email and phone are free again; restore brings the contact back. */
  async delete(caller: CrmCaller, id: string): Promise<Record<string, never>> {
    assertHolds(caller, 'contacts:write');
    if (!isUuid(id)) throw contactNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const current = await this.contacts.findLive(manager, workspaceId, id, { forUpdate: true });
      if (!current) throw contactNotFound();
      assertMayWrite(caller, 'contacts:write', current.ownerId);
      await this.contacts.softDelete(manager, workspaceId, id);
      await emit<CrmEvents.ContactDeleted>({ type: 'contact.deleted', workspaceId, actorId: caller.userId, aggregateId: id, data: { contactId: id } });
    });
    return {};
  }

  /** Restoring a live contact returns it unchanged; one whose email or phone is now held by another is a 409. */
  async restore(caller: CrmCaller, id: string): Promise<ContactRecord> {
    assertHolds(caller, 'contacts:write');
    if (!isUuid(id)) throw contactNotFound();
    const { workspaceId } = caller;
    let attempted: Pick<ContactValues, 'email' | 'phone'> = { email: null, phone: null };
    return this.writing(workspaceId, () => attempted, async (manager, emit) => {
      const current = await this.contacts.find(manager, workspaceId, id, { forUpdate: true });
      if (!current) throw contactNotFound();
      assertMayWrite(caller, 'contacts:write', current.ownerId);
      if (!current.deletedAt) return toContactRecord(current);
      attempted = current;
      const row = await this.contacts.restore(manager, workspaceId, id);
      await emit<CrmEvents.ContactRestored>({ type: 'contact.restored', workspaceId, actorId: caller.userId, aggregateId: id, data: { contact: toContactEvent(row) } });
      return toContactRecord(row);
    });
  }

  /**
   * notifications' contact.unsubscribed: the contact opted out of a channel through an
   * unsubscribe link. Kept even on a deleted contact, so a restore does not opt it back in; only a
   * live contact's change is announced.
   */
  async recordUnsubscribe(manager: EntityManager, emit: Emit, event: DomainEvent<NotificationsEvents.ContactUnsubscribed>): Promise<void> {
    const { workspaceId, data } = event;
    const field = data.channel === 'email' ? 'emailOptOut' : data.channel === 'sms' ? 'smsOptOut' : null;
    if (!workspaceId || !field || !isUuid(data.contactId)) return;
    const current = await this.contacts.find(manager, workspaceId, data.contactId, { forUpdate: true });
    if (!current || current[field]) return;
    const row = await this.contacts.setOptOut(manager, workspaceId, current.id, field);
    if (row.deletedAt) return;
    await emit<CrmEvents.ContactUpdated>({
      type: 'contact.updated',
      workspaceId,
      actorId: null,
      aggregateId: row.id,
      data: { contact: toContactEvent(row), changedFields: [field] },
    });
  }

  /**
   * notifications' sms.received of a STOP (or synonym) or START (UNSTOP): every contact whose
   * phone texted it, live or deleted (so a restore keeps the choice), is opted out of or back into
   * SMS. An opt-out announces contact.sms_unsubscribed; a live contact's change, contact.updated.
   */
  async recordSmsKeyword(manager: EntityManager, emit: Emit, event: DomainEvent<NotificationsEvents.SmsReceived>): Promise<void> {
    const { workspaceId, data } = event;
    if (!workspaceId || (data.kind !== 'stop' && data.kind !== 'start')) return;
    const optedOut = data.kind === 'stop';
    for (const current of await this.contacts.findByPhone(manager, workspaceId, data.from)) {
      if (current.smsOptOut === optedOut) continue;
      const row = await this.contacts.setOptOut(manager, workspaceId, current.id, 'smsOptOut', optedOut);
      if (optedOut) {
        await emit<CrmEvents.ContactSmsUnsubscribed>({
          type: 'contact.sms_unsubscribed',
          workspaceId,
          actorId: null,
          aggregateId: row.id,
          data: { contactId: row.id, phone: data.from, keyword: data.body.trim().slice(0, 20), inboundId: data.inboundId },
        });
      }
      if (row.deletedAt) continue;
      await emit<CrmEvents.ContactUpdated>({ type: 'contact.updated', workspaceId, actorId: null, aggregateId: row.id, data: { contact: toContactEvent(row), changedFields: ['smsOptOut'] } });
    }
  }

  /** The live contact whose phone is this E.164 number, if any. */
  async liveByPhone(manager: EntityManager, workspaceId: string, phone: string): Promise<ContactRow | null> {
    const id = await this.contacts.findLiveHolder(manager, workspaceId, 'phone', phone);
    return id ? this.contacts.find(manager, workspaceId, id) : null;
  }

  /**
   * The values of a contact after applying `changes` to `current`: cleaned, normalised and checked
   * against the workspace (company, region, custom field definitions). 422 names every bad field.
   */
  private async resolve(manager: EntityManager, workspaceId: string, current: ContactValues, changes: ContactBody): Promise<ContactValues> {
    const problems: ErrorDetail[] = [];
    const values: ContactValues = { ...current, tags: [...current.tags] };
    for (const field of ['firstName', 'lastName', 'jobTitle', 'leadSource'] as const) {
      const value = cleanText(changes[field]);
      if (value !== undefined) values[field] = value;
    }
    if (changes.email !== undefined) values.email = changes.email === null ? null : cleanText(normaliseEmail(changes.email)) ?? null;
    if (changes.phone !== undefined) {
      const typed = cleanText(changes.phone);
      if (typed === null || typed === undefined) {
        values.phone = null;
      } else {
        const region = await defaultPhoneRegion(manager, workspaceId);
        const phone = normalisePhone(typed, region);
        if (phone) values.phone = phone;
        else problems.push({ field: 'phone', issue: `is not a possible phone number (numbers without a country code are read as ${region})` });
      }
    }
    if (changes.companyId !== undefined && changes.companyId !== current.companyId) {
      values.companyId = changes.companyId;
      values.companyName = null;
      if (changes.companyId !== null) {
        const name = await this.contacts.liveCompanyName(manager, workspaceId, changes.companyId);
        if (name === null) problems.push({ field: 'companyId', issue: 'is not a company of this workspace' });
        values.companyName = name;
      }
    }
    if (changes.ownerId !== undefined) values.ownerId = changes.ownerId;
    if (changes.lifecycleStage !== undefined) values.lifecycleStage = changes.lifecycleStage;
    if (changes.customerSince !== undefined) values.customerSince = changes.customerSince;
    if (values.lifecycleStage === 'customer' && current.lifecycleStage !== 'customer' && values.customerSince === null) values.customerSince = today();
    if (changes.tags !== undefined) {
      values.tags = cleanTags(changes.tags);
      if (values.tags.length > TAGS_MAX) problems.push({ field: 'tags', issue: `must hold at most ${TAGS_MAX} different tags` });
    }
    if (changes.emailOptOut !== undefined) values.emailOptOut = changes.emailOptOut;
    if (changes.smsOptOut !== undefined) values.smsOptOut = changes.smsOptOut;
    if (!values.firstName && !values.lastName && !values.email && !values.phone) {
      problems.push({ field: 'firstName', issue: 'a contact needs at least one of firstName, lastName, email and phone' });
    }
    if (problems.length) throw RpcError.validation(problems);
    if (changes.customFields !== undefined) {
      values.customFields = await this.customFields.apply(manager, workspaceId, 'contact', current.customFields, changes.customFields);
    }
    return values;
  }

  /**
   * Runs a write; a violation of the email or phone index becomes the 409 naming the live holder.
   * The holder is looked up after the rollback, since the failed transaction can run no more queries.
   */
  private async writing<T>(
    workspaceId: string,
    attempted: () => Pick<ContactBody, 'email' | 'phone'>,
    work: (manager: EntityManager, emit: Emit) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.events.transaction(workspaceId, work);
    } catch (error) {
      const index = UNIQUE_INDEXES.find((candidate) => violatesUnique(error, candidate.constraint));
      if (!index) throw error;
      throw await this.duplicate(workspaceId, index, attempted()[index.field] ?? null);
    }
  }

  private async duplicate(workspaceId: string, index: (typeof UNIQUE_INDEXES)[number], typed: string | null): Promise<RpcError> {
    const existingId = typed
      ? await withWorkspace(this.dataSource, workspaceId, async (manager) => {
          const value = index.field === 'phone' ? normalisePhone(typed, await defaultPhoneRegion(manager, workspaceId)) : normaliseEmail(typed);
          return value ? this.contacts.findLiveHolder(manager, workspaceId, index.field, value) : null;
        })
      : null;
    return RpcError.conflict(index.message, [{ field: index.field, issue: 'is already used', ...(existingId ? { existingId } : {}) }]);
  }
}
