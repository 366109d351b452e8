import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents, InputOf, NotificationsEvents } from '@kinship/contracts';
import {
  TAGS_MAX,
  type ContactBody,
  type ContactEmailValue,
  type ContactPage,
  type ContactPhoneValue,
  type ListContactsQuery,
  type UpdateContact,
} from '@kinship/contracts/crm';
import { RpcError, type DomainEvent, type ErrorDetail } from '@kinship/messaging';
import { isUuid, newId, violatesUnique, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { assertHolds, assertMayWrite, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { listPage } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { normaliseAddress, normaliseEmail, normaliseWebAddress, readPhone } from '../common/normalise.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import {
  blankContact,
  CONTACT_COLUMNS,
  CONTACT_LIST,
  toContactEvent,
  toContactRecord,
  type ContactRecord,
  type ContactRow,
  type ContactValues,
} from './contact.model.js';
import { ContactsRepository } from './contacts.repository.js';

/** Fields a change may touch, by their API names; companyName follows companyId. */
const CHANGEABLE_FIELDS: Array<keyof ContactValues> = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'phoneExtension',
  'emails',
  'phones',
  'address',
  'website',
  'linkedinUrl',
  'timezone',
  'birthday',
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

/** The indexes that keep each email and phone to one live contact (contact_identities_key across primary and additional ones). */
const UNIQUE_INDEXES = ['contacts_phone_key', 'contact_identities_key'];

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

/**
 * Additional emails and phones without repeats (ignoring case for emails) and without the primary
 * one; when the primary is empty the first additional one becomes primary.
 */
function primaryFirst(
  values: Pick<ContactValues, 'email' | 'emails' | 'phone' | 'phoneExtension' | 'phones'>,
): Pick<ContactValues, 'email' | 'emails' | 'phone' | 'phoneExtension' | 'phones'> {
  const emails: ContactEmailValue[] = [];
  let email = values.email;
  for (const entry of values.emails) {
    if (email === null) email = entry.email;
    else if (entry.email.toLowerCase() !== email.toLowerCase() && !emails.some((kept) => kept.email.toLowerCase() === entry.email.toLowerCase()))
      emails.push(entry);
  }
  const phones: ContactPhoneValue[] = [];
  let { phone, phoneExtension } = values;
  for (const entry of values.phones) {
    if (phone === null) [phone, phoneExtension] = [entry.phone, entry.extension];
    else if (entry.phone !== phone && !phones.some((kept) => kept.phone === entry.phone)) phones.push(entry);
  }
  return { email, emails, phone, phoneExtension, phones };
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
    const blank = blankContact();
    let attempted: ContactValues = blank;
    return this.writing(
      workspaceId,
      null,
      input,
      () => attempted,
      async (manager, emit) => {
        const values = await this.resolve(manager, workspaceId, blank, { ...input, ownerId });
        attempted = values;
        const row = await this.contacts.insert(manager, { id: newId(), workspaceId, createdBy: caller.userId, ...values });
        await emit<CrmEvents.ContactCreated>({
          type: 'contact.created',
          workspaceId,
          actorId: caller.userId,
          aggregateId: row.id,
          data: { contact: toContactEvent(row) },
        });
        return toContactRecord(row);
      },
    );
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
    const page = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      // Custom field conditions are checked against the live definitions: an unknown key or a condition the field's type does not take is a 422, not an empty page.
      const request = toListRequest(input);
      if (input.customFields) request.filter.customFields = await this.customFields.checkConditions(manager, caller.workspaceId, 'contact', input.customFields);
      return listPage<ContactRow>(this.cursors, manager, caller.workspaceId, CONTACT_LIST, request, CONTACT_COLUMNS);
    });
    return { data: page.rows.map(toContactRecord), nextCursor: page.nextCursor };
  }

  /** Changes what the request names; a request that changes nothing writes nothing and emits nothing. */
  async update(caller: CrmCaller, input: InputOf<typeof UpdateContact>): Promise<ContactRecord> {
    assertHolds(caller, 'contacts:write');
    if (!isUuid(input.id)) throw contactNotFound();
    await this.users.assertActive(caller, 'ownerId', input.ownerId);
    const { workspaceId } = caller;
    const { id, ...changes } = input;
    let attempted: ContactValues | null = null;
    return this.writing(
      workspaceId,
      id,
      changes,
      () => attempted,
      (manager, emit) =>
        this.updateInTransaction(
          manager,
          emit,
          caller,
          id,
          () => changes,
          (values) => {
            attempted = values;
          },
        ),
    );
  }

  /**
   * update() inside the caller's transaction (a bulk change's), for a checked id: `changesOf`
   * computes the change from the stored contact (a bulk tag adds to each contact's own tags).
   * `resolved` sees the values about to be written, which the 409 of a taken email names.
   */
  async updateInTransaction(
    manager: EntityManager,
    emit: Emit,
    caller: CrmCaller,
    id: string,
    changesOf: (current: ContactRow) => ContactBody,
    resolved: (values: ContactValues) => void = () => undefined,
  ): Promise<ContactRecord> {
    const { workspaceId } = caller;
    const current = await this.contacts.findLive(manager, workspaceId, id, { forUpdate: true });
    if (!current) throw contactNotFound();
    assertMayWrite(caller, 'contacts:write', current.ownerId);
    const changes = changesOf(current);
    if (changes.ownerId !== undefined && changes.ownerId !== current.ownerId) assertMayWrite(caller, 'contacts:write', changes.ownerId);
    const values = await this.resolve(manager, workspaceId, current, changes);
    resolved(values);
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
  }

  /** Soft delete: the email and phone are free again; restore brings the contact back. */
  async delete(caller: CrmCaller, id: string): Promise<Record<string, never>> {
    assertHolds(caller, 'contacts:write');
    if (!isUuid(id)) throw contactNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, (manager, emit) => this.deleteInTransaction(manager, emit, caller, id));
    return {};
  }

  /** delete() inside the caller's transaction (a bulk change's), for a checked id. */
  async deleteInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, id: string): Promise<void> {
    const { workspaceId } = caller;
    const current = await this.contacts.findLive(manager, workspaceId, id, { forUpdate: true });
    if (!current) throw contactNotFound();
    assertMayWrite(caller, 'contacts:write', current.ownerId);
    await this.contacts.softDelete(manager, workspaceId, id);
    await emit<CrmEvents.ContactDeleted>({ type: 'contact.deleted', workspaceId, actorId: caller.userId, aggregateId: id, data: { contactId: id } });
  }

  /** Restoring a live contact returns it unchanged; one whose email or phone is now held by another is a 409. */
  async restore(caller: CrmCaller, id: string): Promise<ContactRecord> {
    assertHolds(caller, 'contacts:write');
    if (!isUuid(id)) throw contactNotFound();
    const { workspaceId } = caller;
    let attempted: ContactValues | null = null;
    return this.writing(
      workspaceId,
      id,
      null,
      () => attempted,
      async (manager, emit) => {
        const current = await this.contacts.find(manager, workspaceId, id, { forUpdate: true });
        if (!current) throw contactNotFound();
        assertMayWrite(caller, 'contacts:write', current.ownerId);
        if (!current.deletedAt) return toContactRecord(current);
        attempted = current;
        const row = await this.contacts.restore(manager, workspaceId, id);
        await emit<CrmEvents.ContactRestored>({
          type: 'contact.restored',
          workspaceId,
          actorId: caller.userId,
          aggregateId: id,
          data: { contact: toContactEvent(row) },
        });
        return toContactRecord(row);
      },
    );
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
      await emit<CrmEvents.ContactUpdated>({
        type: 'contact.updated',
        workspaceId,
        actorId: null,
        aggregateId: row.id,
        data: { contact: toContactEvent(row), changedFields: ['smsOptOut'] },
      });
    }
  }

  /** The live contact holding this E.164 number, as its phone or an additional one, if any. */
  async liveByPhone(manager: EntityManager, workspaceId: string, phone: string): Promise<ContactRow | null> {
    const id = (await this.contacts.findLiveHolders(manager, workspaceId, null, [], [phone])).get(`phone:${phone}`);
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
    if (changes.email !== undefined) values.email = changes.email === null ? null : (cleanText(normaliseEmail(changes.email)) ?? null);
    if (changes.emails !== undefined) {
      values.emails = changes.emails.map((entry) => ({ email: normaliseEmail(entry.email), label: cleanText(entry.label) ?? null }));
    }
    const region = changes.phone || changes.phones?.length ? await defaultPhoneRegion(manager, workspaceId) : 'US';
    const notPossible = `is not a possible phone number (numbers without a country code are read as ${region})`;
    if (changes.phone !== undefined) {
      const typed = cleanText(changes.phone);
      values.phoneExtension = null;
      if (typed === null || typed === undefined) {
        values.phone = null;
      } else {
        const reading = readPhone(typed, region);
        if (reading) Object.assign(values, { phone: reading.phone, phoneExtension: reading.extension });
        else problems.push({ field: 'phone', issue: notPossible });
      }
    }
    if (changes.phoneExtension !== undefined) values.phoneExtension = changes.phoneExtension;
    if (changes.phones !== undefined) {
      values.phones = [];
      changes.phones.forEach((entry, index) => {
        const reading = readPhone(entry.phone, region);
        if (!reading) problems.push({ field: `phones.${index}.phone`, issue: notPossible });
        else values.phones.push({ phone: reading.phone, label: cleanText(entry.label) ?? null, extension: entry.extension ?? reading.extension });
      });
    }
    Object.assign(values, primaryFirst(values));
    if (!values.phone) values.phoneExtension = null;
    if (changes.address !== undefined) {
      const { address, countryKnown } = changes.address === null ? { address: null, countryKnown: true } : normaliseAddress(changes.address);
      if (!countryKnown) problems.push({ field: 'address.country', issue: 'must be an ISO 3166-1 alpha-2 country code (e.g. DE) or a country name' });
      values.address = address;
    }
    for (const field of ['website', 'linkedinUrl'] as const) {
      const value = cleanText(changes[field]);
      if (value !== undefined) values[field] = value === null ? null : normaliseWebAddress(value);
    }
    if (changes.timezone !== undefined) values.timezone = changes.timezone;
    if (changes.birthday !== undefined) values.birthday = changes.birthday;
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
   * Runs a write; a violation of an email or phone index becomes the 409 naming each field whose
   * value a live contact holds, and the holder. The holders are looked up after the rollback,
   * since the failed transaction can run no more queries.
   */
  private async writing<T>(
    workspaceId: string,
    self: string | null,
    requested: ContactBody | null,
    attempted: () => ContactValues | null,
    work: (manager: EntityManager, emit: Emit) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.events.transaction(workspaceId, work);
    } catch (error) {
      if (!UNIQUE_INDEXES.some((constraint) => violatesUnique(error, constraint))) throw error;
      throw await this.duplicate(workspaceId, self, attempted(), requested);
    }
  }

  /**
   * The 409 naming each email and phone another live contact holds, with that contact. A value the
   * request holds is named by the request's field (`emails.2.email` as sent, even when the stored
   * list drops repeats or the first one became the primary), any other by its stored place.
   */
  private async duplicate(workspaceId: string, self: string | null, values: ContactValues | null, requested: ContactBody | null): Promise<RpcError> {
    const emails = values ? [values.email, ...values.emails.map((entry) => entry.email)] : [];
    const phones = values ? [values.phone, ...values.phones.map((entry) => entry.phone)] : [];
    const { holders, region } = await withWorkspace(this.dataSource, workspaceId, async (manager) => ({
      holders: await this.contacts.findLiveHolders(
        manager,
        workspaceId,
        self,
        emails.filter((email): email is string => email !== null),
        phones.filter((phone): phone is string => phone !== null),
      ),
      region: await defaultPhoneRegion(manager, workspaceId),
    }));
    const requestedFields = new Map<string, string>();
    const nameRequested = (key: string | null, field: string) => key !== null && !requestedFields.has(key) && requestedFields.set(key, field);
    const emailKey = (typed: string) => `email:${normaliseEmail(typed).toLowerCase()}`;
    const phoneKey = (typed: string) => {
      const reading = readPhone(typed, region);
      return reading ? `phone:${reading.phone}` : null;
    };
    if (requested?.email) nameRequested(emailKey(requested.email), 'email');
    requested?.emails?.forEach((entry, index) => nameRequested(emailKey(entry.email), `emails.${index}.email`));
    if (requested?.phone) nameRequested(phoneKey(requested.phone), 'phone');
    requested?.phones?.forEach((entry, index) => nameRequested(phoneKey(entry.phone), `phones.${index}.phone`));
    const details: ErrorDetail[] = [];
    const name = (field: string, key: string) => {
      const existingId = holders.get(key);
      if (existingId) details.push({ field: requestedFields.get(key) ?? field, issue: 'is already used by another contact', existingId });
    };
    emails.forEach((email, index) => email !== null && name(index === 0 ? 'email' : `emails.${index - 1}.email`, `email:${email.toLowerCase()}`));
    phones.forEach((phone, index) => phone !== null && name(index === 0 ? 'phone' : `phones.${index - 1}.phone`, `phone:${phone}`));
    if (details.length === 0) details.push({ field: 'email', issue: 'an email or phone is already used by another contact' });
    const message = details[0]!.field?.startsWith('email') ? 'A contact with this email already exists.' : 'A contact with this phone number already exists.';
    return RpcError.conflict(message, details);
  }
}
