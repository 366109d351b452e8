import type { ImportEntity } from '@kinship/contracts/crm';

const ADDRESS_TARGETS = ['address.line1', 'address.line2', 'address.city', 'address.region', 'address.postalCode', 'address.country'];

/**
 * The fields a column can fill, per entity. `fullName` is split into first and last name
 * ("Person - Name" of Pipedrive); `address.*` are the parts of an address. Several columns may
 * fill a contact's `email` or `phone`: the first non-empty one is the primary value, the others
 * are additional (emails, phones).
 */
export const IMPORT_FIELDS: Record<ImportEntity, readonly string[]> = {
  contacts: [
    'firstName',
    'lastName',
    'fullName',
    'email',
    'phone',
    'jobTitle',
    'companyName',
    'lifecycleStage',
    'leadSource',
    'customerSince',
    'tags',
    'phoneExtension',
    'website',
    'linkedinUrl',
    'timezone',
    'birthday',
    ...ADDRESS_TARGETS,
  ],
  companies: ['name', 'domain', 'website', 'linkedinUrl', 'industry', 'size', 'employees', 'phone', ...ADDRESS_TARGETS, 'tags'],
};

/** Fields several columns fill together rather than the first one alone. */
const MULTI_COLUMN_FIELDS: Record<ImportEntity, ReadonlySet<string>> = { contacts: new Set(['email', 'phone']), companies: new Set() };

export const CUSTOM_FIELD_PREFIX = 'customFields.';

/** What a column fills: a field, a custom field (`customFields.<key>`), or nothing (null: skipped). */
export type ColumnTarget = string | null;

/** Address headers of contact exports: plain, HubSpot, Salesforce (Mailing …), Outlook (Business/Home …), Google (Address 1 - …), Zoho. */
const CONTACT_ADDRESS_ALIASES: Record<string, string[]> = {
  'address.line1': [
    'address',
    'streetaddress',
    'street',
    'addressline',
    'addressstreet',
    'mailingstreet',
    'businessstreet',
    'homestreet',
    'otherstreet',
    'mailingaddress',
  ],
  'address.line2': ['streetaddress2', 'address2', 'addressline2', 'businessstreet2', 'homestreet2', 'addressextendedaddress', 'addresspobox'],
  'address.city': ['city', 'town', 'addresscity', 'mailingcity', 'businesscity', 'homecity', 'othercity'],
  'address.region': [
    'state',
    'region',
    'province',
    'county',
    'stateregion',
    'stateprovince',
    'addressregion',
    'mailingstate',
    'mailingstateprovince',
    'businessstate',
    'homestate',
  ],
  'address.postalCode': [
    'zip',
    'zipcode',
    'postalcode',
    'postcode',
    'zippostalcode',
    'addresspostalcode',
    'mailingzip',
    'mailingpostalcode',
    'mailingzippostalcode',
    'businesspostalcode',
    'homepostalcode',
  ],
  'address.country': [
    'country',
    'countryregion',
    'addresscountry',
    'mailingcountry',
    'businesscountry',
    'businesscountryregion',
    'homecountry',
    'homecountryregion',
  ],
};

/**
 * Export headers of HubSpot, Salesforce, Pipedrive, Zoho, Google Contacts ("E-mail 1 - Value"),
 * Outlook ("Business Phone", "E-mail Address") and numbered generic layouts ("Phone 2"), compared
 * after lower-casing and dropping everything but letters and digits ("Person - Email" →
 * "personemail"); a header that matches none is tried again without its digits ("E-mail 2 Address"
 * → "emailaddress", "Phone 1 - Value" → "phonevalue").
 */
const ALIASES: Record<ImportEntity, Record<string, string[]>> = {
  contacts: {
    firstName: ['firstname', 'givenname', 'personfirstname'],
    lastName: ['lastname', 'surname', 'familyname', 'personlastname'],
    fullName: ['name', 'fullname', 'contactname', 'personname', 'displayname'],
    email: [
      'email',
      'emails',
      'emailaddress',
      'emailvalue',
      'workemail',
      'personalemail',
      'secondaryemail',
      'otheremail',
      'homeemail',
      'emaildisplayname',
      'personemail',
      'personemailwork',
      'personemailhome',
      'personemailother',
    ],
    phone: [
      'phone',
      'phones',
      'phonenumber',
      'phonevalue',
      'mobilephone',
      'mobilephonenumber',
      'mobile',
      'cellphone',
      'workphone',
      'homephone',
      'otherphone',
      'businessphone',
      'primaryphone',
      'companymainphone',
      'assistantphone',
      'personphone',
      'personphonework',
      'personphonemobile',
      'personphonehome',
      'personphoneother',
    ],
    jobTitle: ['jobtitle', 'title', 'personjobtitle', 'organizationtitle'],
    companyName: ['company', 'companyname', 'accountname', 'account', 'organization', 'organizationname', 'personorganization'],
    lifecycleStage: ['lifecyclestage', 'lifecycle'],
    leadSource: ['leadsource', 'source', 'originalsource', 'personsource'],
    customerSince: ['customersince', 'becameacustomerdate'],
    tags: ['tags', 'labels', 'personlabel', 'personlabels'],
    website: ['website', 'websiteurl', 'websitevalue', 'webpage', 'webaddress', 'url', 'personalwebsite'],
    linkedinUrl: ['linkedin', 'linkedinurl', 'linkedinprofile', 'linkedinprofileurl'],
    phoneExtension: ['phoneextension', 'extension', 'ext'],
    timezone: ['timezone', 'tz'],
    birthday: ['birthday', 'birthdate', 'dateofbirth', 'dob'],
    ...CONTACT_ADDRESS_ALIASES,
  },
  companies: {
    name: ['name', 'companyname', 'accountname', 'account', 'organization', 'organizationname'],
    domain: ['domain', 'domainname', 'companydomainname'],
    website: ['website', 'websiteurl', 'webpage', 'url', 'organizationwebsite'],
    linkedinUrl: ['linkedin', 'linkedinurl', 'linkedincompanypage', 'linkedinpage'],
    industry: ['industry', 'organizationindustry'],
    size: ['size', 'companysize', 'organizationsize'],
    employees: ['employees', 'numberofemployees', 'employeecount', 'headcount'],
    phone: ['phone', 'phonenumber', 'organizationphone'],
    'address.line1': ['address', 'streetaddress', 'street', 'billingstreet', 'organizationaddress', 'organizationaddressstreetaddress'],
    'address.line2': ['streetaddress2', 'address2'],
    'address.city': ['city', 'billingcity', 'organizationaddresscity'],
    'address.region': ['state', 'region', 'stateregion', 'billingstate', 'billingstateprovince', 'organizationaddressstate'],
    'address.postalCode': ['postalcode', 'zip', 'zipcode', 'billingpostalcode', 'organizationaddresspostalcode'],
    'address.country': ['country', 'countryregion', 'billingcountry', 'organizationaddresscountry'],
    tags: ['tags', 'labels', 'organizationlabels'],
  },
};

/** "Person - Email" and "person_email" alike become "personemail". */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const ALIAS_INDEX: Record<ImportEntity, Map<string, string>> = {
  contacts: new Map(Object.entries(ALIASES.contacts).flatMap(([field, aliases]) => aliases.map((alias): [string, string] => [alias, field]))),
  companies: new Map(Object.entries(ALIASES.companies).flatMap(([field, aliases]) => aliases.map((alias): [string, string] => [alias, field]))),
};

/** Whether a mapping target names a field of the entity or a custom field key (the definition is checked when the import runs). */
export function isMappingTarget(entity: ImportEntity, target: unknown): target is ColumnTarget {
  if (target === null) return true;
  if (typeof target !== 'string') return false;
  if (target.startsWith(CUSTOM_FIELD_PREFIX)) return /^[a-z][a-z0-9_]{0,62}$/.test(target.slice(CUSTOM_FIELD_PREFIX.length));
  return IMPORT_FIELDS[entity].includes(target);
}

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean' | 'select';
  options: string[];
}

export type MatchedBy = 'mapping' | 'alias' | 'customField';

export interface ResolvedMapping {
  /** Per column of the file, in order, what it fills (null: nothing). */
  targets: ColumnTarget[];
  /** Column name → target, as GET /imports/:id shows it. */
  byColumn: Record<string, ColumnTarget>;
  /** Columns that fill nothing and were not skipped on purpose. */
  unmapped: string[];
  /** Per column: what decided its target, and the known header it matched (alias only). */
  matchedBy: Array<MatchedBy | null>;
  aliases: Array<string | null>;
  /** Per email or phone column: the label its additional values get, from its header ("Work Phone" → work). */
  labels: Array<string | null>;
  /** Per email or phone column: the index of its type column ("Phone 2 - Type" for "Phone 2 - Value"), whose cell wins over the header's label. */
  labelColumns: Array<number | null>;
}

/** Targets of the type columns of Google's layout ("E-mail 1 - Type", "Phone 2 - Type"): they give the value column of the same number its label. */
export const LABEL_TARGETS = { email: 'emailLabel', phone: 'phoneLabel' } as const;
const LABEL_TARGET_SET = new Set<string>(Object.values(LABEL_TARGETS));
const LABEL_COLUMN_KEYS = new Map<string, 'email' | 'phone'>([
  ['emailtype', 'email'],
  ['emaillabel', 'email'],
  ['phonetype', 'phone'],
  ['phonelabel', 'phone'],
]);

/** Words of email and phone headers that say what kind of address or number it is, checked in this order ("Mobile Phone" → mobile, "Business Phone" → work). */
const HEADER_LABELS: Array<[RegExp, string]> = [
  [/mobile|cell/, 'mobile'],
  [/work|business|office|company/, 'work'],
  [/home|personal/, 'home'],
  [/assistant/, 'assistant'],
  [/other|secondary/, 'other'],
];

/** The label a header gives its email or phone values, or null ("Phone 2"). */
export function headerLabel(key: string): string | null {
  for (const [words, label] of HEADER_LABELS) if (words.test(key)) return label;
  return null;
}

/** A label as a type cell or a vCard TYPE writes it ("* Work", "CELL") → ours (work, mobile). */
export function normaliseLabel(text: string): string | null {
  const cleaned = text
    .replace(/^\*\s*/, '')
    .trim()
    .toLowerCase();
  if (!cleaned) return null;
  return headerLabel(headerKey(cleaned)) ?? cleaned.slice(0, 64);
}

/**
 * What each column fills: the explicit mapping first (a column name as in the header, or its
 * case- and space-insensitive form), then the known export headers, then a custom field whose key
 * or label matches the header; the rest are reported as unmapped. A field is filled by the
 * first column that claims it and later ones are reported, but for a contact's email and phone,
 * which every column claiming them fills (primary, then additional values).
 */
export function resolveMapping(
  entity: ImportEntity,
  columns: string[],
  explicit: Record<string, ColumnTarget>,
  definitions: CustomFieldDefinition[],
): ResolvedMapping {
  const explicitByKey = new Map(Object.entries(explicit).map(([column, target]): [string, ColumnTarget] => [headerKey(column), target]));
  const customByKey = new Map<string, string>();
  for (const definition of definitions) {
    customByKey.set(headerKey(definition.key), definition.key);
    customByKey.set(headerKey(definition.label), definition.key);
  }
  const claimed = new Set<string>();
  const resolved: ResolvedMapping = { targets: [], byColumn: {}, unmapped: [], matchedBy: [], aliases: [], labels: [], labelColumns: [] };
  const typeColumns = new Map<string, number>();
  for (const column of columns) {
    const key = headerKey(column);
    const unnumbered = key.replace(/\d+/g, '');
    let target: ColumnTarget | undefined;
    let matchedBy: MatchedBy | null = null;
    let alias: string | null = null;
    let skippedOnPurpose = false;
    if (Object.hasOwn(explicit, column) || explicitByKey.has(key)) {
      target = Object.hasOwn(explicit, column) ? explicit[column]! : explicitByKey.get(key)!;
      skippedOnPurpose = target === null;
      matchedBy = target === null ? null : 'mapping';
    } else if (entity === 'contacts' && LABEL_COLUMN_KEYS.has(unnumbered)) {
      const kind = LABEL_COLUMN_KEYS.get(unnumbered)!;
      target = LABEL_TARGETS[kind];
      [matchedBy, alias] = ['alias', unnumbered];
      typeColumns.set(`${kind}${key.replace(/\D+/g, '')}`, resolved.targets.length);
    } else {
      alias = ALIAS_INDEX[entity].has(key) ? key : ALIAS_INDEX[entity].has(unnumbered) ? unnumbered : null;
      const custom = customByKey.get(key);
      target = alias ? ALIAS_INDEX[entity].get(alias)! : custom ? `${CUSTOM_FIELD_PREFIX}${custom}` : null;
      matchedBy = alias ? 'alias' : custom ? 'customField' : null;
    }
    if (target !== null && claimed.has(target) && !MULTI_COLUMN_FIELDS[entity].has(target) && !LABEL_TARGET_SET.has(target)) {
      target = null;
      [matchedBy, alias] = [null, null];
    }
    if (target !== null) claimed.add(target);
    else if (!skippedOnPurpose && column !== '') resolved.unmapped.push(column);
    resolved.targets.push(target);
    resolved.byColumn[column] = target;
    resolved.matchedBy.push(matchedBy);
    resolved.aliases.push(alias);
    resolved.labels.push(entity === 'contacts' && (target === 'email' || target === 'phone') ? headerLabel(key) : null);
  }
  resolved.labelColumns = resolved.targets.map((target, index) =>
    entity === 'contacts' && (target === 'email' || target === 'phone')
      ? (typeColumns.get(`${target}${headerKey(columns[index]!).replace(/\D+/g, '')}`) ?? null)
      : null,
  );
  return resolved;
}
