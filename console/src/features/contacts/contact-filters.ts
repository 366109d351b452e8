import { dayEnd, dayOf, dayStart, listOf, strings, text } from '../../lib/list-filters';
import type { ContactFilters, CustomFieldCondition, CustomFieldConditions } from './contacts-api';

/**
 * The conditions of GET /contacts that the contacts list and a segment's or campaign's filter
 * share beyond their own inputs (lifecycle, tags, lead source, opt-outs), as the inputs hold them:
 * ids, cities, country codes and days.
 */
export interface ContactConditions {
  ownerId: string[];
  companyId: string[];
  city: string[];
  country: string[];
  createdFrom: string;
  createdTo: string;
  updatedFrom: string;
  updatedTo: string;
  customerSinceFrom: string;
  customerSinceTo: string;
  /** The custom fields' conditions (a value, {contains}, {from, to}), by key: a key without one is no condition. */
  customFields: CustomFieldConditions;
}

export const NO_CONTACT_CONDITIONS: ContactConditions = {
  ownerId: [],
  companyId: [],
  city: [],
  country: [],
  createdFrom: '',
  createdTo: '',
  updatedFrom: '',
  updatedTo: '',
  customerSinceFrom: '',
  customerSinceTo: '',
  customFields: {},
};

/** The conditions as GET /contacts (and a segment's filter) takes them: empty ones left out, days as the instants they span. */
export function contactConditionsQuery(conditions: ContactConditions): ContactFilters {
  const query: ContactFilters = {
    ownerId: listOf(conditions.ownerId),
    companyId: listOf(conditions.companyId),
    city: listOf(conditions.city),
    // The API takes upper-case ISO codes; "gb" typed is GB.
    country: listOf(conditions.country.map((code) => code.trim().toUpperCase())),
    createdAtFrom: dayStart(conditions.createdFrom),
    createdAtTo: dayEnd(conditions.createdTo),
    updatedAtFrom: dayStart(conditions.updatedFrom),
    updatedAtTo: dayEnd(conditions.updatedTo),
    // customerSince is a date: the days go as they are.
    customerSinceFrom: conditions.customerSinceFrom || undefined,
    customerSinceTo: conditions.customerSinceTo || undefined,
    customFields: Object.keys(conditions.customFields).length ? conditions.customFields : undefined,
  };
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
}

/** A saved view's or a stored filter's conditions back into the inputs. */
export function contactConditionsOf(filters: Record<string, unknown> | null | undefined): ContactConditions {
  const stored = filters ?? {};
  return {
    ownerId: strings(stored.ownerId),
    companyId: strings(stored.companyId),
    city: strings(stored.city),
    country: strings(stored.country),
    createdFrom: dayOf(stored.createdAtFrom),
    createdTo: dayOf(stored.createdAtTo),
    updatedFrom: dayOf(stored.updatedAtFrom),
    updatedTo: dayOf(stored.updatedAtTo),
    customerSinceFrom: text(stored.customerSinceFrom),
    customerSinceTo: text(stored.customerSinceTo),
    customFields: customFieldConditionsOf(stored.customFields),
  };
}

function isBound(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number';
}

/** Whether a stored condition has a shape GET /contacts takes: a value, {contains: text} or {from, to}. */
function isCustomFieldCondition(value: unknown): value is CustomFieldCondition {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const operators = Object.entries(value);
  if (operators.length === 1 && operators[0]![0] === 'contains') return typeof operators[0]![1] === 'string';
  return operators.length > 0 && operators.every(([operator, bound]) => (operator === 'from' || operator === 'to') && isBound(bound));
}

/** A stored filter's custom field conditions of the shapes GET /contacts takes (anything else is no condition). */
function customFieldConditionsOf(stored: unknown): CustomFieldConditions {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter(([, condition]) => isCustomFieldCondition(condition)));
}

/** Whether an input left a condition that says nothing: an emptied value, contains nothing, neither bound. */
function isEmptyCondition(condition: CustomFieldCondition | null): boolean {
  if (condition === null || condition === '') return true;
  if (typeof condition !== 'object') return false;
  if ('contains' in condition) return condition.contains.trim() === '';
  return (condition.from === undefined || condition.from === '') && (condition.to === undefined || condition.to === '');
}

/** A range without its empty bound: `{from: 3, to: ''}` is `{from: 3}`. */
function withoutEmptyBounds(condition: CustomFieldCondition): CustomFieldCondition {
  if (typeof condition !== 'object' || 'contains' in condition) return condition;
  return Object.fromEntries(Object.entries(condition).filter(([, bound]) => bound !== undefined && bound !== '')) as CustomFieldCondition;
}

/** The conditions with one custom field's condition set, or removed when its input says nothing (null, '', no text, no bound). */
export function withCustomFieldCondition(conditions: CustomFieldConditions, key: string, condition: CustomFieldCondition | null): CustomFieldConditions {
  const others = Object.fromEntries(Object.entries(conditions).filter(([name]) => name !== key));
  return condition === null || isEmptyCondition(condition) ? others : { ...others, [key]: withoutEmptyBounds(condition) };
}

/** Each condition's key in GET /contacts (and in a segment's filter, where the API names its issues) and the input that holds it. */
const CONDITION_INPUTS: Record<string, keyof ContactConditions> = {
  ownerId: 'ownerId',
  companyId: 'companyId',
  city: 'city',
  country: 'country',
  createdAtFrom: 'createdFrom',
  createdAtTo: 'createdTo',
  updatedAtFrom: 'updatedFrom',
  updatedAtTo: 'updatedTo',
  customerSinceFrom: 'customerSinceFrom',
  customerSinceTo: 'customerSinceTo',
};

const CONDITION_KEYS = Object.keys(CONDITION_INPUTS);

const CUSTOM_FIELD_PREFIX = 'customFields.';

/** The keys the API may name an issue of (`customFields.<key>` for each custom field condition given) in a filter with these custom fields. */
export function conditionKeys(customFields: CustomFieldConditions): string[] {
  return [...CONDITION_KEYS, ...Object.keys(customFields).map((key) => `${CUSTOM_FIELD_PREFIX}${key}`)];
}

/**
 * Where a form keeps the API's issue about a condition (`country` → `conditions.country`,
 * `customFields.tier` → `conditions.customFields.tier`), undefined for another key.
 */
export function conditionErrorPath(key: string): string | undefined {
  if (key.startsWith(CUSTOM_FIELD_PREFIX) && key.length > CUSTOM_FIELD_PREFIX.length) return `conditions.${key}`;
  const input = CONDITION_INPUTS[key];
  return input && `conditions.${input}`;
}

/** The API's issues at a contact filter's inputs: by condition input, and a custom field's by its key. */
export type ConditionErrors<Issue> = Partial<Record<Exclude<keyof ContactConditions, 'customFields'>, Issue>> & { customFields?: Record<string, Issue> };

/**
 * The API's issues about a list's contact conditions (`country`, `createdAtFrom`,
 * `customFields.<key>`) by input; a custom field's only for the keys given, those with an input.
 */
export function conditionIssues(issueAt: (key: string) => string | undefined, customFieldKeys: readonly string[]): ConditionErrors<string> {
  const byInput: Record<string, string> = {};
  for (const [key, input] of Object.entries(CONDITION_INPUTS)) {
    const issue = issueAt(key);
    if (issue !== undefined) byInput[input] = issue;
  }
  const customFields: Record<string, string> = {};
  for (const key of customFieldKeys) {
    const issue = issueAt(`${CUSTOM_FIELD_PREFIX}${key}`);
    if (issue !== undefined) customFields[key] = issue;
  }
  return Object.keys(customFields).length ? { ...byInput, customFields } : byInput;
}

/** The issues a form holds at `<prefix>conditions.<input>` (and `<prefix>conditions.customFields.<key>`), by input. */
export function conditionErrors<Issue>(errors: Record<string, Issue>, prefix: string): ConditionErrors<Issue> {
  const at = `${prefix}conditions.`;
  const byInput: Record<string, Issue> = {};
  const customFields: Record<string, Issue> = {};
  for (const [path, issue] of Object.entries(errors)) {
    if (!path.startsWith(at)) continue;
    const input = path.slice(at.length);
    if (input.startsWith(CUSTOM_FIELD_PREFIX)) customFields[input.slice(CUSTOM_FIELD_PREFIX.length)] = issue;
    else byInput[input] = issue;
  }
  return Object.keys(customFields).length ? { ...byInput, customFields } : byInput;
}
