import type { Contact } from './contacts-api';

/** The fields the side-by-side comparison shows, in order. */
export const COMPARED_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'jobTitle',
  'companyName',
  'lifecycleStage',
  'leadSource',
  'ownerId',
  'tags',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

const isEmpty = (value: unknown) => value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * What the survivor will hold after POST /contacts/:id/merge, as the API describes it: its own
 * values, the other's where its own are empty, the tags of both, and custom fields it lacks.
 */
export function mergePreview(survivor: Contact, other: Contact): Pick<Contact, ComparedField | 'customFields'> {
  const merged = {} as Record<ComparedField, unknown>;
  for (const field of COMPARED_FIELDS) merged[field] = isEmpty(survivor[field]) ? other[field] : survivor[field];
  merged.tags = [...new Set([...survivor.tags, ...other.tags])];
  return { ...(merged as Pick<Contact, ComparedField>), customFields: { ...other.customFields, ...survivor.customFields } };
}
