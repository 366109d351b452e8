import { isEmail } from 'class-validator';
import { countryCode, NAME_MAX } from '@kinship/contracts';
import {
  COMPANY_SIZES,
  EMAIL_MAX,
  EMPLOYEES_MAX,
  isLinkedInAddress,
  isTimeZone,
  isWebAddress,
  type ContactEmailValue,
  type ContactPhoneValue,
  LIFECYCLE_STAGES,
  PHONE_MAX,
  TAG_MAX,
  TAGS_MAX,
  type PostalAddress,
  type LifecycleStage,
  type ImportEntity,
} from '@kinship/contracts/crm';
import { normaliseDomain, normaliseEmail, normaliseWebAddress, readPhone } from '../common/normalise.js';
import type { CustomFieldValues } from '../custom-fields/custom-field-values.js';
import { CUSTOM_FIELD_PREFIX, headerKey, type ColumnTarget, type CustomFieldDefinition } from './column-mapping.js';

/** What one row of a file says about a record: only the fields it fills (blank cells say nothing). */
export interface IncomingValues {
  [field: string]: string | number | string[] | CustomFieldValues | PostalAddress | ContactEmailValue[] | ContactPhoneValue[] | undefined;
  tags?: string[];
  customFields?: CustomFieldValues;
  address?: PostalAddress;
  /** A contact's emails and phones beyond the first column's (primary) one. */
  emails?: ContactEmailValue[];
  phones?: ContactPhoneValue[];
}

export type RowOutcome = { values: IncomingValues } | { problem: string };

const MAX_TEXT = NAME_MAX;
const MAX_CUSTOM_TEXT = 10_000;
const MAX_DOMAIN_INPUT = 300;
const MAX_POSTAL_CODE = 32;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** HubSpot's and Salesforce's spellings of the lifecycle stages ("Marketing Qualified Lead", "MQL") → ours. */
const LIFECYCLE_SPELLINGS = new Map<string, LifecycleStage>([
  ...LIFECYCLE_STAGES.map((stage): [string, LifecycleStage] => [headerKey(stage), stage]),
  ['marketingqualifiedlead', 'marketing_qualified'],
  ['mql', 'marketing_qualified'],
  ['salesqualifiedlead', 'sales_qualified'],
  ['sql', 'sales_qualified'],
]);

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** A calendar date from YYYY-MM-DD or an ISO timestamp (spreadsheets export both). */
function toDate(text: string): string | null {
  const day = text.slice(0, 10);
  if (!DATE.test(day)) return null;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day) ? day : null;
}

function splitTags(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

function customValue(definition: CustomFieldDefinition, text: string): string | number | boolean | { problem: string } {
  switch (definition.type) {
    case 'text':
      return text.length <= MAX_CUSTOM_TEXT ? text : { problem: `is longer than ${MAX_CUSTOM_TEXT} characters` };
    case 'number': {
      const number = Number(text.replace(/,/g, ''));
      // The API's bound for every number (inputProblems in @kinship/messaging).
      if (!Number.isFinite(number)) return { problem: 'is not a number' };
      return Math.abs(number) <= Number.MAX_SAFE_INTEGER
        ? number
        : { problem: `is not a number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` };
    }
    case 'date':
      return toDate(text) ?? { problem: 'is not a date (YYYY-MM-DD)' };
    case 'boolean': {
      const word = text.toLowerCase();
      return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : { problem: 'is not true or false' };
    }
    case 'select':
      return definition.options.find((option) => option.toLowerCase() === text.toLowerCase()) ?? { problem: `is not one of ${definition.options.join(', ')}` };
  }
}

/**
 * Turns the cells of a row into field values, checking each as the API would (lengths, email
 * syntax, phone numbers in the workspace's region, custom field types). A row with problems is
 * reported whole with every problem named, and fills nothing.
 */
export class RowReader {
  private readonly definitions: Map<string, CustomFieldDefinition>;

  constructor(
    private readonly entity: ImportEntity,
    private readonly targets: ColumnTarget[],
    definitions: CustomFieldDefinition[],
    private readonly phoneRegion: string,
  ) {
    this.definitions = new Map(definitions.map((definition) => [definition.key, definition]));
  }

  read(cells: string[]): RowOutcome {
    const values: IncomingValues = {};
    const problems: string[] = [];
    let fullName: string | undefined;
    for (let index = 0; index < this.targets.length; index++) {
      const target = this.targets[index];
      const text = cells[index]?.trim();
      if (!target || !text) continue;
      // PostgreSQL text cannot hold one; the row is refused like any bad cell, not the whole import.
      if (text.includes('\u0000')) problems.push(`${target}: contains a NUL character`);
      else if (target === 'fullName') fullName = text;
      else if (target.startsWith(CUSTOM_FIELD_PREFIX)) this.readCustom(target.slice(CUSTOM_FIELD_PREFIX.length), text, values, problems);
      else if (this.entity === 'contacts' && (target === 'email' || target === 'phone'))
        for (const value of text
          .split(';')
          .map((part) => part.trim())
          .filter(Boolean))
          this.readField(target, value, values, problems);
      else if (target.startsWith('address.')) this.readAddress(target.slice('address.'.length) as keyof PostalAddress, text, values, problems);
      else this.readField(target, text, values, problems);
    }
    if (fullName !== undefined) this.splitName(fullName, values, problems);
    if (this.entity === 'companies' && !values.domain && typeof values.website === 'string') {
      const domain = normaliseDomain(values.website);
      if (domain) values.domain = domain;
    }
    if (this.entity === 'contacts' && !values.email && !values.phone && !problems.some((problem) => /^(email|phone):/.test(problem))) {
      problems.push('needs an email or a phone number to be matched');
    }
    if (this.entity === 'companies') {
      if (!values.name && values.domain) values.name = values.domain as string;
      if (!values.name && !problems.some((problem) => problem.startsWith('domain:'))) problems.push('needs a name or a domain');
    }
    return problems.length ? { problem: problems.join('; ') } : { values };
  }

  private readField(field: string, text: string, values: IncomingValues, problems: string[]): void {
    switch (field) {
      case 'email': {
        if (text.length > EMAIL_MAX) problems.push(`email: is longer than ${EMAIL_MAX} characters`);
        else if (!isEmail(text)) problems.push(`email: "${text}" is not an email address`);
        else if (!values.email) values.email = normaliseEmail(text);
        else if (this.entity === 'contacts') values.emails = [...(values.emails ?? []), { email: normaliseEmail(text), label: null }];
        return;
      }
      case 'phone': {
        const reading = text.length <= PHONE_MAX ? readPhone(text, this.phoneRegion) : null;
        if (!reading)
          problems.push(`phone: "${text.slice(0, PHONE_MAX)}" is not a possible phone number (numbers without a country code are read as ${this.phoneRegion})`);
        else if (this.entity === 'companies') values.phone = reading.phone;
        else if (!values.phone) Object.assign(values, { phone: reading.phone, ...(reading.extension ? { phoneExtension: reading.extension } : {}) });
        else values.phones = [...(values.phones ?? []), { phone: reading.phone, label: null, extension: reading.extension }];
        return;
      }
      case 'website':
      case 'linkedinUrl': {
        const valid = field === 'website' ? isWebAddress(text) : isLinkedInAddress(text);
        if (valid) values[field] = normaliseWebAddress(text);
        else problems.push(`${field}: "${text.slice(0, MAX_TEXT)}" is not a ${field === 'website' ? 'web' : 'linkedin.com'} address`);
        return;
      }
      case 'phoneExtension':
        if (/^[0-9]{1,10}$/.test(text)) values.phoneExtension = text;
        else problems.push(`phoneExtension: "${text.slice(0, MAX_TEXT)}" is not 1 to 10 digits`);
        return;
      case 'timezone': {
        const shown = text.slice(0, MAX_TEXT);
        if (isTimeZone(text)) values.timezone = text;
        else problems.push(`timezone: "${shown}" is not an IANA time zone (e.g. Europe/Berlin)`);
        return;
      }
      case 'birthday': {
        const date = toDate(text);
        if (date) values.birthday = date;
        else problems.push(`birthday: "${text.slice(0, MAX_TEXT)}" is not a date (YYYY-MM-DD)`);
        return;
      }
      case 'employees': {
        const employees = Number(text.replace(/[,\s]/g, ''));
        if (Number.isInteger(employees) && employees >= 0 && employees <= EMPLOYEES_MAX) values.employees = employees;
        else problems.push(`employees: "${text.slice(0, MAX_TEXT)}" is not a whole number of employees`);
        return;
      }
      case 'domain': {
        const domain = text.length <= MAX_DOMAIN_INPUT ? normaliseDomain(text) : null;
        if (domain) values.domain = domain;
        else problems.push(`domain: "${text.slice(0, MAX_DOMAIN_INPUT)}" is not a domain name`);
        return;
      }
      case 'lifecycleStage': {
        const stage = LIFECYCLE_SPELLINGS.get(headerKey(text));
        if (stage) values.lifecycleStage = stage;
        else problems.push(`lifecycleStage: "${text.slice(0, MAX_TEXT)}" is not one of ${LIFECYCLE_STAGES.join(', ')}`);
        return;
      }
      case 'customerSince': {
        const date = toDate(text);
        if (date) values.customerSince = date;
        else problems.push(`customerSince: "${text.slice(0, MAX_TEXT)}" is not a date (YYYY-MM-DD)`);
        return;
      }
      case 'size': {
        const size = COMPANY_SIZES.find((candidate) => candidate === text.replace(/\s/g, ''));
        if (size) values.size = size;
        else problems.push(`size: "${text.slice(0, MAX_TEXT)}" is not one of ${COMPANY_SIZES.join(', ')}`);
        return;
      }
      case 'tags': {
        const tags = splitTags(text);
        if (tags.some((tag) => tag.length > TAG_MAX)) problems.push(`tags: a tag is longer than ${TAG_MAX} characters`);
        else if (tags.length > TAGS_MAX) problems.push(`tags: more than ${TAGS_MAX} tags`);
        else values.tags = tags;
        return;
      }
      default:
        if (text.length > MAX_TEXT) problems.push(`${field}: is longer than ${MAX_TEXT} characters`);
        else values[field] = text;
    }
  }

  private readAddress(part: keyof PostalAddress, text: string, values: IncomingValues, problems: string[]): void {
    const limit = part === 'postalCode' ? MAX_POSTAL_CODE : MAX_TEXT;
    if (text.length > limit) {
      problems.push(`address.${part}: is longer than ${limit} characters`);
      return;
    }
    const value = part === 'country' ? countryCode(text) : text;
    if (value === null) {
      problems.push(`address.country: "${text.slice(0, MAX_TEXT)}" is not a country (an ISO 3166-1 alpha-2 code or a country name)`);
      return;
    }
    values.address = { ...values.address, [part]: value };
  }

  private readCustom(key: string, text: string, values: IncomingValues, problems: string[]): void {
    const definition = this.definitions.get(key);
    if (!definition) {
      problems.push(`customFields.${key}: is not a custom field of ${this.entity}`);
      return;
    }
    const value = customValue(definition, text);
    if (typeof value === 'object') problems.push(`customFields.${key}: "${text.slice(0, MAX_TEXT)}" ${value.problem}`);
    else values.customFields = { ...values.customFields, [key]: value };
  }

  /** "Ada King Lovelace" → first "Ada", last "King Lovelace"; explicit first/last name columns win. */
  private splitName(fullName: string, values: IncomingValues, problems: string[]): void {
    if (fullName.length > MAX_TEXT) {
      problems.push(`fullName: is longer than ${MAX_TEXT} characters`);
      return;
    }
    const [first, ...rest] = fullName.split(/\s+/);
    if (values.firstName === undefined && first) values.firstName = first;
    if (values.lastName === undefined && rest.length) values.lastName = rest.join(' ');
  }
}
