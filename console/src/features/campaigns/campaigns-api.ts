import type { components, operations } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { contactConditionsOf, contactConditionsQuery, type ContactConditions } from '../contacts/contact-filters';

export type Campaign = components['schemas']['CampaignResponse'];
export type CampaignCounts = components['schemas']['CampaignCountsResponse'];
export type Segment = components['schemas']['Segment'];
export type EmailTemplate = components['schemas']['EmailTemplate'];
export type Contact = components['schemas']['Contact'];
export type CampaignAudience = components['schemas']['CampaignAudienceBody'];
export type AudienceKind = 'segment' | 'filter' | 'contacts';
export type Channel = Campaign['channel'];

/** The inputs a contact filter is built from, as the segment editor and the campaign audience share them. */
export interface FilterValues {
  lifecycleStage: string[];
  tags: string[];
  leadSource: string[];
  excludeOptedOut: boolean;
  /** Owner, company, city, country and dates. */
  conditions: ContactConditions;
}

type ContactQuery = NonNullable<operations['crm.contacts.list']['parameters']['query']>;

/** How many contacts a search offers to pick from. */
const PICK_FROM = 20;

/** A campaign still being sent (or waiting for its time) is asked for again: its counts move. */
export const IN_FLIGHT: ReadonlySet<Campaign['status']> = new Set(['scheduled', 'sending']);

export const campaignsApi = {
  list: () => unwrap(api.GET('/api/v1/campaigns', { params: { query: { limit: 100 } } })),
  get: (id: string) => unwrap(api.GET('/api/v1/campaigns/{id}', { params: { path: { id } } })),
  create: (body: components['schemas']['CreateCampaignBody']) => unwrap(api.POST('/api/v1/campaigns', { body })),
  update: (id: string, body: components['schemas']['UpdateCampaignBody']) => unwrap(api.PATCH('/api/v1/campaigns/{id}', { params: { path: { id } }, body })),
  send: (id: string) => unwrap(api.POST('/api/v1/campaigns/{id}/send', { params: { path: { id } } })),
  cancel: (id: string) => unwrap(api.POST('/api/v1/campaigns/{id}/cancel', { params: { path: { id } } })),
  countAudience: (body: CampaignAudience) => unwrap(api.POST('/api/v1/audiences/count', { body })),
  searchContacts: (q: string) => unwrap(api.GET('/api/v1/contacts', { params: { query: { q, limit: PICK_FROM } } })),
  contact: (id: string) => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
  firstMatching: async (filter: Record<string, unknown>) =>
    (await unwrap(api.GET('/api/v1/contacts', { params: { query: { ...(filter as ContactQuery), limit: 1 } } }))).data[0] ?? null,
  segments: () => unwrap(api.GET('/api/v1/segments', { params: { query: { limit: 100 } } })),
  segmentCount: (id: string) => unwrap(api.GET('/api/v1/segments/{id}/count', { params: { path: { id } } })),
  segmentMembers: (id: string, limit: number) => unwrap(api.GET('/api/v1/segments/{id}/contacts', { params: { path: { id }, query: { limit } } })),
  createSegment: (body: components['schemas']['CreateSegmentBody']) => unwrap(api.POST('/api/v1/segments', { body })),
  updateSegment: (id: string, body: components['schemas']['UpdateSegmentBody']) =>
    unwrap(api.PATCH('/api/v1/segments/{id}', { params: { path: { id } }, body })),
  deleteSegment: (id: string) => unwrap(api.DELETE('/api/v1/segments/{id}', { params: { path: { id } } })),
  templates: () => unwrap(api.GET('/api/v1/email-templates')),
  updateTemplate: (id: string, body: { subject: string; body: string }) =>
    unwrap(api.PATCH('/api/v1/email-templates/{id}', { params: { path: { id } }, body })),
  resetTemplate: (id: string) => unwrap(api.DELETE('/api/v1/email-templates/{id}', { params: { path: { id } } })),
  previewTemplate: (id: string, body: components['schemas']['PreviewEmailTemplateBody']) =>
    unwrap(api.POST('/api/v1/email-templates/{id}/preview', { params: { path: { id } }, body })),
};

/** The audience's first contact, as the preview shows the email to them; null for an empty audience. */
export async function audienceSample(audience: CampaignAudience): Promise<Contact | null> {
  if (audience.segmentId) return (await campaignsApi.segmentMembers(audience.segmentId, 1)).data[0] ?? null;
  if (audience.filter) return campaignsApi.firstMatching(audience.filter);
  return audience.contactIds?.[0] ? campaignsApi.contact(audience.contactIds[0]) : null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

/** What a campaign's placeholders become for one contact, as the sender fills them. */
export function placeholderValues(contact: Contact | null): Record<string, unknown> {
  return {
    firstName: contact?.firstName ?? '',
    lastName: contact?.lastName ?? '',
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
    jobTitle: contact?.jobTitle ?? '',
    companyName: contact?.companyName ?? '',
    lifecycleStage: contact?.lifecycleStage ?? '',
    customFields: contact?.customFields ?? {},
    // The real link is made per recipient when sending; the preview shows where it goes.
    unsubscribeUrl: '#unsubscribe',
  };
}

/**
 * A campaign's subject or body with its `{{placeholder}}`s filled, HTML-escaped as Handlebars
 * escapes them (`html: false` for the plain-text subject). Only plain placeholders are previewed:
 * block helpers are left as written, and the sent email is rendered by the server.
 */
export function fillPlaceholders(template: string, values: Record<string, unknown>, html = true): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => {
    const value = path
      .split('.')
      .reduce<unknown>((scope, key) => (scope && typeof scope === 'object' ? (scope as Record<string, unknown>)[key] : undefined), values);
    const text = value === null || value === undefined ? '' : String(value);
    return html ? text.replace(/[&<>"'`=]/g, (char) => ESCAPES[char]!) : text;
  });
}

/** The contact field that says a contact opted out of a channel. */
const OPT_OUT_FIELD = { email: 'emailOptOut', sms: 'smsOptOut' } as const satisfies Record<Channel, string>;

/**
 * The filter a dynamic segment keeps (or a campaign is sent with), from the editor's inputs: an
 * empty input adds no condition. "Without opted-out contacts" means opted out of the channel the
 * campaign is sent on (a segment has none: it is read as email, the channel segments were made for).
 */
export function segmentFilter(values: FilterValues, channel: Channel = 'email'): Record<string, unknown> {
  return {
    ...(values.lifecycleStage.length > 0 ? { lifecycleStage: values.lifecycleStage } : {}),
    ...(values.tags.length > 0 ? { tags: values.tags } : {}),
    ...(values.leadSource.length > 0 ? { leadSource: values.leadSource } : {}),
    ...(values.excludeOptedOut ? { [OPT_OUT_FIELD[channel]]: false } : {}),
    ...contactConditionsQuery(values.conditions),
  };
}

/** The inputs of a stored filter: the conditions the editor does not show are not kept. */
export function filterValues(filter: Record<string, unknown> | null | undefined): FilterValues {
  const stored = (filter ?? {}) as { lifecycleStage?: string[]; tags?: string[]; leadSource?: string[]; emailOptOut?: boolean; smsOptOut?: boolean };
  return {
    lifecycleStage: stored.lifecycleStage ?? [],
    tags: stored.tags ?? [],
    leadSource: stored.leadSource ?? [],
    excludeOptedOut: stored.emailOptOut === false || stored.smsOptOut === false,
    conditions: contactConditionsOf(filter),
  };
}

export function audienceKind(audience: CampaignAudience | undefined): AudienceKind {
  if (audience?.filter) return 'filter';
  if (audience?.contactIds) return 'contacts';
  return 'segment';
}

/** The campaign's audience from the composer's inputs: the kind picked, or null while that kind is not filled in. */
export function audienceOf(values: {
  channel: Channel;
  audienceKind: AudienceKind;
  segmentId: string | null;
  filter: FilterValues;
  contactIds: string[];
}): CampaignAudience | null {
  if (values.audienceKind === 'segment') return values.segmentId ? { segmentId: values.segmentId } : null;
  if (values.audienceKind === 'filter') return { filter: segmentFilter(values.filter, values.channel) };
  return values.contactIds.length > 0 ? { contactIds: values.contactIds } : null;
}

// The opt-out line the sender adds to an SMS whose body does not place {{unsubscribeUrl}} itself.
const SMS_FOOTER = '\nOpt out: {{unsubscribeUrl}}';

/** An SMS campaign's text for one contact, as the sender makes it: placeholders filled as written (SMS is not HTML), the opt-out line added. */
export function smsText(body: string, values: Record<string, unknown>): string {
  const placed = /\{\{\s*unsubscribeUrl\s*\}\}/.test(body);
  return fillPlaceholders(placed ? body : body + SMS_FOOTER, values, false).trim();
}

// GSM 03.38: the basic set is one septet per character, the extension set two (an escape and the character).
const GSM_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** Messages the carrier bills: one up to 160 septets or 70 units, else parts of 153 or 67. */
  parts: number;
}

/** How long an SMS is on the wire: GSM-7 when every character is in the GSM set, else UCS-2. */
export function smsLength(text: string): SmsLength {
  const chars = [...text];
  if (chars.every((char) => GSM_BASIC.has(char) || GSM_EXTENDED.has(char))) {
    const units = chars.reduce((sum, char) => sum + (GSM_EXTENDED.has(char) ? 2 : 1), 0);
    return { encoding: 'GSM-7', units, parts: units === 0 ? 0 : units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
}
