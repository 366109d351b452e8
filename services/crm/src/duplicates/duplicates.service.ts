import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import type { InputOf } from '@kinship/contracts';
import {
  CONTACT_CHANNELS_MAX,
  DUPLICATE_PAGE_DEFAULT,
  DUPLICATE_REASONS,
  type DuplicateReason,
  type ListDuplicatesQuery,
  type MergeContacts,
} from '@kinship/contracts/crm';
import { assertHolds, assertMayWrite, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { toContactEvent, toContactRecord, type ContactRecord, type ContactRow, type ContactValues } from '../contacts/contact.model.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { DuplicatesRepository, isKeyOf } from './duplicates.repository.js';

export interface DuplicateGroup {
  reason: DuplicateReason;
  /** How many live contacts share the key; `contacts` lists the oldest 50. */
  count: number;
  contacts: ContactRecord[];
}

export interface DuplicatePage {
  data: DuplicateGroup[];
  nextCursor: string | null;
}

/** Where a page of groups starts: the reason and key of the last group of the page before. */
interface DuplicatesCursor {
  r: DuplicateReason;
  k: string[];
}

function isDuplicatesCursor(reasons: DuplicateReason[]) {
  return ({ r, k }: Record<string, unknown>): boolean => reasons.includes(r as DuplicateReason) && isKeyOf(r as DuplicateReason, k);
}

/** Fields a merge fills on the survivor from the merged contact when the survivor's own is empty. */
const FILLABLE_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'jobTitle',
  'companyId',
  'ownerId',
  'leadSource',
  'customerSince',
  'address',
  'website',
  'linkedinUrl',
  'timezone',
  'birthday',
] as const;

/**
 * The survivor's additional values after it took the merged contact's: the merged one's primary
 * and additional values the survivor does not hold yet (emails ignoring case), up to the limit.
 */
function unionChannels<Entry>(held: Array<string | null>, survivorEntries: Entry[], mergedEntries: Entry[], valueOf: (entry: Entry) => string): Entry[] {
  const seen = new Set(held.filter((value): value is string => value !== null).map((value) => value.toLowerCase()));
  for (const entry of survivorEntries) seen.add(valueOf(entry).toLowerCase());
  const added = mergedEntries.filter((entry) => !seen.has(valueOf(entry).toLowerCase()) && seen.add(valueOf(entry).toLowerCase()));
  return [...survivorEntries, ...added].slice(0, CONTACT_CHANNELS_MAX);
}

/** Tags of both, the survivor's first, without case-insensitive repeats. */
function unionTags(survivor: string[], merged: string[]): string[] {
  const seen = new Set(survivor.map((tag) => tag.toLowerCase()));
  return [...survivor, ...merged.filter((tag) => !seen.has(tag.toLowerCase()) && seen.add(tag.toLowerCase()))];
}

/**
 * What the survivor takes from the merged contact: its empty fields filled, tags unioned, custom
 * fields it lacks, and an opt-out of either (consent withdrawn once stays withdrawn). Names of the
 * fields that changed, as on the wire.
 */
function mergedValues(survivor: ContactRow, merged: ContactRow): { changes: Partial<ContactValues>; fieldsTaken: string[] } {
  const changes: Partial<ContactValues> = {};
  const fieldsTaken: string[] = [];
  for (const field of FILLABLE_FIELDS) {
    if ((survivor[field] === null || survivor[field] === '') && merged[field] !== null && merged[field] !== '') {
      (changes as Record<string, unknown>)[field] = merged[field];
      fieldsTaken.push(field);
    }
  }
  if (changes.companyId) changes.companyName = merged.companyName;
  if (changes.phone) changes.phoneExtension = merged.phoneExtension;
  const email = changes.email ?? survivor.email;
  const emails = unionChannels(
    [email],
    survivor.emails,
    [...(merged.email ? [{ email: merged.email, label: null }] : []), ...merged.emails],
    (entry) => entry.email,
  );
  if (emails.length !== survivor.emails.length) {
    changes.emails = emails;
    fieldsTaken.push('emails');
  }
  const phone = changes.phone ?? survivor.phone;
  const phones = unionChannels(
    [phone],
    survivor.phones,
    [...(merged.phone ? [{ phone: merged.phone, label: null, extension: merged.phoneExtension }] : []), ...merged.phones],
    (entry) => entry.phone,
  );
  if (phones.length !== survivor.phones.length) {
    changes.phones = phones;
    fieldsTaken.push('phones');
  }
  const tags = unionTags(survivor.tags, merged.tags);
  if (tags.length !== survivor.tags.length) {
    changes.tags = tags;
    fieldsTaken.push('tags');
  }
  const takenKeys = Object.keys(merged.customFields).filter((key) => !(key in survivor.customFields));
  if (takenKeys.length) {
    changes.customFields = { ...merged.customFields, ...survivor.customFields };
    fieldsTaken.push(...takenKeys.map((key) => `customFields.${key}`));
  }
  for (const field of ['emailOptOut', 'smsOptOut'] as const) {
    if (merged[field] && !survivor[field]) {
      changes[field] = true;
      fieldsTaken.push(field);
    }
  }
  return { changes, fieldsTaken };
}

/** GET /contacts/duplicates and POST /contacts/:id/merge. */
@Injectable()
export class DuplicatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly duplicates: DuplicatesRepository,
    private readonly contacts: ContactsRepository,
    private readonly cursors: CursorCodec,
  ) {}

  /** Groups by email, then phone, then name and company; a contact may be in several groups. */
  async list(caller: CrmCaller, query: ListDuplicatesQuery): Promise<DuplicatePage> {
    assertHolds(caller, 'contacts:read');
    const { workspaceId } = caller;
    const reasons = query.reason ? [query.reason] : [...DUPLICATE_REASONS];
    const list = `duplicates:${workspaceId}:${query.reason ?? 'all'}`;
    const cursor = query.cursor ? this.cursors.decode<DuplicatesCursor>(list, query.cursor, isDuplicatesCursor(reasons)) : null;
    const first = cursor ? reasons.indexOf(cursor.r) : 0;
    const limit = query.limit ?? DUPLICATE_PAGE_DEFAULT;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const found: Array<{ reason: DuplicateReason; key: string[]; count: number; contactIds: string[] }> = [];
      for (let index = first; index < reasons.length && found.length <= limit; index += 1) {
        const reason = reasons[index]!;
        const after = cursor && index === first ? cursor.k : null;
        const groups = await this.duplicates.groups(manager, workspaceId, reason, after, limit + 1 - found.length);
        found.push(...groups.map((group) => ({ reason, ...group })));
      }
      const page = found.slice(0, limit);
      const rows = await this.duplicates.contacts(
        manager,
        workspaceId,
        page.flatMap((group) => group.contactIds),
      );
      const byId = new Map(rows.map((row) => [row.id, toContactRecord(row)]));
      const last = page.at(-1);
      return {
        data: page.map((group) => ({ reason: group.reason, count: group.count, contacts: group.contactIds.map((id) => byId.get(id)!) })),
        nextCursor: found.length > limit && last ? this.cursors.encode(list, { r: last.reason, k: last.key } satisfies DuplicatesCursor) : null,
      };
    });
  }

  /**
   * Merges `otherId` into `id` in one transaction; members must own both. The merged contact is
   * soft-deleted with merged_into_id (no contact.deleted of its own) before the survivor takes its
   * email or phone, which the partial unique indexes would refuse while both are live.
   */
  async merge(caller: CrmCaller, input: InputOf<typeof MergeContacts>): Promise<ContactRecord> {
    assertHolds(caller, 'contacts:write');
    const { workspaceId } = caller;
    if (!isUuid(input.id)) throw RpcError.notFound('Contact');
    if (input.id === input.otherId) throw RpcError.validation([{ field: 'otherId', issue: 'must be another contact than the one merged into' }]);
    if (!isUuid(input.otherId)) throw RpcError.notFound('Contact');
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const locked = await this.duplicates.lockPair(manager, workspaceId, [input.id, input.otherId]);
      const survivor = locked.find((row) => row.id === input.id);
      const merged = locked.find((row) => row.id === input.otherId);
      if (!survivor || survivor.deletedAt || !merged) throw RpcError.notFound('Contact');
      if (merged.deletedAt) throw RpcError.validation([{ field: 'otherId', issue: 'is a deleted contact' }]);
      assertMayWrite(caller, 'contacts:write', survivor.ownerId);
      assertMayWrite(caller, 'contacts:write', merged.ownerId);

      const { changes, fieldsTaken } = mergedValues(survivor, merged);
      await this.duplicates.markMerged(manager, workspaceId, merged.id, survivor.id);
      const row = await this.contacts.update(manager, workspaceId, survivor.id, changes);
      await this.duplicates.moveRelations(manager, workspaceId, merged.id, survivor.id);
      await this.duplicates.recordMerge(manager, {
        id: newId(),
        workspaceId,
        survivorId: survivor.id,
        actorId: caller.userId,
        data: { mergedContactId: merged.id, fieldsTaken },
      });
      await emit<CrmEvents.ContactMerged>({
        type: 'contact.merged',
        workspaceId,
        actorId: caller.userId,
        aggregateId: survivor.id,
        data: { contact: toContactEvent(row), mergedContactId: merged.id },
      });
      return toContactRecord(row);
    });
  }
}
