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
import { CUSTOM_FIELD_PREFIX, headerKey, LABEL_TARGETS, normaliseLabel, type ColumnTarget, type CustomFieldDefinition } from './column-mapping.js';
import { readDate, type ImportDateFormat } from './import-dates.js';

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

/** A cell the row cannot take: the field it fills (null: the row as a whole) and why. */
export interface CellProblem {
  field: string | null;
  message: string;
}

/** A row read: the values its good cells give, and its problems (a row with any imports nothing). */
export interface RowOutcome {
  values: IncomingValues;
  problems: CellProblem[];
}

/** The problems of a row as one message, as the errors CSV and GET /imports/:id show them. */
export function describeProblems(problems: CellProblem[]): string {
  return problems.map((problem) => (problem.field === null ? problem.message : `${problem.field}: ${problem.message}`)).join('; ');
}

/** How a RowReader reads a file's cells beyond their targets. */
export interface ReadingOptions {
  /** The order of day/month dates; null: ISO dates only (a day/month date is a problem naming dateFormat). */
  dateFormat: ImportDateFormat | null;
  /** Per email or phone column, the label of its additional values, and the column whose cell holds it. */
  labels?: Array<string | null>;
  labelColumns?: Array<number | null>;
}

const MAX_TEXT = NAME_MAX;
const MAX_CUSTOM_TEXT = 10_000;
const MAX_DOMAIN_INPUT = 300;
const MAX_POSTAL_CODE = 32;

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

function splitTags(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

function customValue(definition: CustomFieldDefinition, text: string, dateFormat: ImportDateFormat | null): string | number | boolean | { problem: string } {
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
      return readDate(text, dateFormat);
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
    private readonly options: ReadingOptions = { dateFormat: null },
  ) {
    this.definitions = new Map(definitions.map((definition) => [definition.key, definition]));
  }

  read(cells: string[]): RowOutcome {
    const values: IncomingValues = {};
    const problems: CellProblem[] = [];
    let fullName: string | undefined;
    for (let index = 0; index < this.targets.length; index++) {
      const target = this.targets[index];
      const text = cells[index]?.trim();
      if (!target || !text || target === LABEL_TARGETS.email || target === LABEL_TARGETS.phone) continue;
      // PostgreSQL text cannot hold one; the row is refused like any bad cell, not the whole import.
      if (text.includes('\u0000')) problems.push({ field: target, message: `contains a NUL character` });
      else if (target === 'fullName') fullName = text;
      else if (target.startsWith(CUSTOM_FIELD_PREFIX)) this.readCustom(target.slice(CUSTOM_FIELD_PREFIX.length), text, values, problems);
      else if (this.entity === 'contacts' && (target === 'email' || target === 'phone'))
        for (const value of text
          .split(';')
          .map((part) => part.trim())
          .filter(Boolean))
          this.readField(target, value, values, problems, this.labelOf(index, cells));
      else if (target.startsWith('address.')) this.readAddress(target.slice('address.'.length) as keyof PostalAddress, text, values, problems);
      else this.readField(target, text, values, problems);
    }
    if (fullName !== undefined) this.splitName(fullName, values, problems);
    if (this.entity === 'companies' && !values.domain && typeof values.website === 'string') {
      const domain = normaliseDomain(values.website);
      if (domain) values.domain = domain;
    }
    if (this.entity === 'contacts' && !values.email && !values.phone && !problems.some((problem) => problem.field === 'email' || problem.field === 'phone')) {
      problems.push({ field: null, message: 'needs an email or a phone number to be matched' });
    }
    if (this.entity === 'companies') {
      if (!values.name && values.domain) values.name = values.domain as string;
      if (!values.name && !problems.some((problem) => problem.field === 'domain')) problems.push({ field: null, message: 'needs a name or a domain' });
    }
    return { values, problems };
  }

  /** The label of an email or phone column's additional values: its type column's cell, else its header's word. */
  private labelOf(index: number, cells: string[]): string | null {
    const typeColumn = this.options.labelColumns?.[index];
    const typed = typeColumn === null || typeColumn === undefined ? null : normaliseLabel(cells[typeColumn] ?? '');
    return typed ?? this.options.labels?.[index] ?? null;
  }

  private readField(field: string, text: string, values: IncomingValues, problems: CellProblem[], label: string | null = null): void {
    switch (field) {
      case 'email': {
        if (text.length > EMAIL_MAX) problems.push({ field: 'email', message: `is longer than ${EMAIL_MAX} characters` });
        else if (!isEmail(text)) problems.push({ field: 'email', message: `"${text}" is not an email address` });
        else if (!values.email) values.email = normaliseEmail(text);
        else if (this.entity === 'contacts') values.emails = [...(values.emails ?? []), { email: normaliseEmail(text), label }];
        return;
      }
      case 'phone': {
        const reading = text.length <= PHONE_MAX ? readPhone(text, this.phoneRegion) : null;
        if (!reading)
          problems.push({
            field: 'phone',
            message: `"${text.slice(0, PHONE_MAX)}" is not a possible phone number (numbers without a country code are read as ${this.phoneRegion})`,
          });
        else if (this.entity === 'companies') values.phone = reading.phone;
        else if (!values.phone) Object.assign(values, { phone: reading.phone, ...(reading.extension ? { phoneExtension: reading.extension } : {}) });
        else values.phones = [...(values.phones ?? []), { phone: reading.phone, label, extension: reading.extension }];
        return;
      }
      case 'website':
      case 'linkedinUrl': {
        const valid = field === 'website' ? isWebAddress(text) : isLinkedInAddress(text);
        if (valid) values[field] = normaliseWebAddress(text);
        else problems.push({ field: field, message: `"${text.slice(0, MAX_TEXT)}" is not a ${field === 'website' ? 'web' : 'linkedin.com'} address` });
        return;
      }
      case 'phoneExtension':
        if (/^[0-9]{1,10}$/.test(text)) values.phoneExtension = text;
        else problems.push({ field: 'phoneExtension', message: `"${text.slice(0, MAX_TEXT)}" is not 1 to 10 digits` });
        return;
      case 'timezone': {
        const shown = text.slice(0, MAX_TEXT);
        if (isTimeZone(text)) values.timezone = text;
        else problems.push({ field: 'timezone', message: `"${shown}" is not an IANA time zone (e.g. Europe/Berlin)` });
        return;
      }
      case 'birthday':
      case 'customerSince': {
        const date = readDate(text, this.options.dateFormat);
        if (typeof date === 'string') values[field] = date;
        else problems.push({ field, message: `"${text.slice(0, MAX_TEXT)}" ${date.problem}` });
        return;
      }
      case 'employees': {
        const employees = Number(text.replace(/[,\s]/g, ''));
        if (Number.isInteger(employees) && employees >= 0 && employees <= EMPLOYEES_MAX) values.employees = employees;
        else problems.push({ field: 'employees', message: `"${text.slice(0, MAX_TEXT)}" is not a whole number of employees` });
        return;
      }
      case 'domain': {
        const domain = text.length <= MAX_DOMAIN_INPUT ? normaliseDomain(text) : null;
        if (domain) values.domain = domain;
        else problems.push({ field: 'domain', message: `"${text.slice(0, MAX_DOMAIN_INPUT)}" is not a domain name` });
        return;
      }
      case 'lifecycleStage': {
        const stage = LIFECYCLE_SPELLINGS.get(headerKey(text));
        if (stage) values.lifecycleStage = stage;
        else problems.push({ field: 'lifecycleStage', message: `"${text.slice(0, MAX_TEXT)}" is not one of ${LIFECYCLE_STAGES.join(', ')}` });
        return;
      }
      case 'size': {
        const size = COMPANY_SIZES.find((candidate) => candidate === text.replace(/\s/g, ''));
        if (size) values.size = size;
        else problems.push({ field: 'size', message: `"${text.slice(0, MAX_TEXT)}" is not one of ${COMPANY_SIZES.join(', ')}` });
        return;
      }
      case 'tags': {
        const tags = splitTags(text);
        if (tags.some((tag) => tag.length > TAG_MAX)) problems.push({ field: 'tags', message: `a tag is longer than ${TAG_MAX} characters` });
        else if (tags.length > TAGS_MAX) problems.push({ field: 'tags', message: `more than ${TAGS_MAX} tags` });
        else values.tags = tags;
        return;
      }
      default:
        if (text.length > MAX_TEXT) problems.push({ field: field, message: `is longer than ${MAX_TEXT} characters` });
        else values[field] = text;
    }
  }

  private readAddress(part: keyof PostalAddress, text: string, values: IncomingValues, problems: CellProblem[]): void {
    const limit = part === 'postalCode' ? MAX_POSTAL_CODE : MAX_TEXT;
    if (text.length > limit) {
      problems.push({ field: `address.${part}`, message: `is longer than ${limit} characters` });
      return;
    }
    const value = part === 'country' ? countryCode(text) : text;
    if (value === null) {
      problems.push({ field: 'address.country', message: `"${text.slice(0, MAX_TEXT)}" is not a country (an ISO 3166-1 alpha-2 code or a country name)` });
      return;
    }
    values.address = { ...values.address, [part]: value };
  }

  private readCustom(key: string, text: string, values: IncomingValues, problems: CellProblem[]): void {
    const definition = this.definitions.get(key);
    if (!definition) {
      problems.push({ field: `customFields.${key}`, message: `is not a custom field of ${this.entity}` });
      return;
    }
    const value = customValue(definition, text, this.options.dateFormat);
    if (typeof value === 'object') problems.push({ field: `customFields.${key}`, message: `"${text.slice(0, MAX_TEXT)}" ${value.problem}` });
    else values.customFields = { ...values.customFields, [key]: value };
  }

  /** "Ada King Lovelace" → first "Ada", last "King Lovelace"; explicit first/last name columns win. */
  private splitName(fullName: string, values: IncomingValues, problems: CellProblem[]): void {
    if (fullName.length > MAX_TEXT) {
      problems.push({ field: 'fullName', message: `is longer than ${MAX_TEXT} characters` });
      return;
    }
    const [first, ...rest] = fullName.split(/\s+/);
    if (values.firstName === undefined && first) values.firstName = first;
    if (values.lastName === undefined && rest.length) values.lastName = rest.join(' ');
  }
}
