import { dayEnd, dayOf, dayStart, listOf, strings, text } from '../../lib/list-filters';
import type { ContactFilters, CustomFieldConditions } from './contacts-api';

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
  /** The custom fields' values a contact holds (equality), by key: a key without a value is no condition. */
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

/** A stored filter's custom field conditions: an object's text, number and boolean values (anything else is no condition). */
function customFieldConditionsOf(stored: unknown): CustomFieldConditions {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
  return Object.fromEntries(
    Object.entries(stored).filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'),
  ) as CustomFieldConditions;
}

/** The conditions with one custom field's value set, or removed when the input is emptied (null or ''). */
export function withCustomFieldCondition(conditions: CustomFieldConditions, key: string, value: string | number | boolean | null): CustomFieldConditions {
  const others = Object.fromEntries(Object.entries(conditions).filter(([name]) => name !== key));
  return value === null || value === '' ? others : { ...others, [key]: value };
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

export const CONDITION_KEYS = Object.keys(CONDITION_INPUTS);

/** Where a form keeps the API's issue about a condition (`country` → `conditions.country`), undefined for another key. */
export function conditionErrorPath(key: string): string | undefined {
  const input = CONDITION_INPUTS[key];
  return input && `conditions.${input}`;
}

/** The issues a form holds at `<prefix>conditions.<input>`, by input. */
export function conditionErrors<Issue>(errors: Record<string, Issue>, prefix: string): Partial<Record<keyof ContactConditions, Issue>> {
  const at = `${prefix}conditions.`;
  return Object.fromEntries(Object.entries(errors).flatMap(([path, issue]) => (path.startsWith(at) ? [[path.slice(at.length), issue]] : [])));
}
