import fc from 'fast-check';

/** The part of an OpenAPI 3 schema object the gateway's document uses. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
}

export type Schemas = Record<string, Schema>;

/** Follows $ref and single-element allOf (Nest's way of documenting a nested DTO). */
export function resolve(schema: Schema, schemas: Schemas): Schema {
  if (schema.$ref) return resolve(schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {}, schemas);
  if (schema.allOf?.length) return { ...resolve(schema.allOf[0]!, schemas), nullable: schema.nullable };
  return schema;
}

const isoDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true });

/**
 * Stands for the n-th id of a kind the run has seen in a successful answer ("contacts", "users"…,
 * empty for any kind); the fuzzer replaces it when it sends the request, so bodies and filters can
 * name records that exist.
 */
export const KNOWN_ID = /known-id:([a-z-]*):(\d+)/g;

/** The kind of record an id property names: companyId → companies, ownerId → users, contactIds → contacts. */
function idKind(name: string): string {
  const base = name.replace(/Ids?$/, '');
  if (['owner', 'assignee', 'user', 'author', 'actor'].includes(base)) return 'users';
  if (base === 'company') return 'companies';
  return ['other', 'related'].includes(base) ? '' : `${base}s`;
}

function idOf(name: string | undefined): fc.Arbitrary<string> {
  const kind = name ? idKind(name) : '';
  return fc.oneof(
    fc.uuid(),
    fc.nat().map((index) => `known-id:${kind}:${index}`),
  );
}

function stringOf(schema: Schema, name: string | undefined): fc.Arbitrary<string> {
  if (name && /Ids?$/.test(name) && schema.format === undefined) return idOf(name);
  switch (schema.format) {
    case 'uuid':
      return idOf(name);
    case 'email':
      return fc.emailAddress().filter((email) => email.length <= (schema.maxLength ?? 254));
    case 'date':
      return isoDate.map((date) => date.toISOString().slice(0, 10));
    case 'date-time':
      return isoDate.map((date) => date.toISOString());
    case 'uri':
      return fc.webUrl();
    case 'password':
      return fc.string({ minLength: 12, maxLength: 40 });
    default: {
      const minLength = schema.minLength ?? 0;
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)) });
    }
  }
}

/**
 * Values the schema describes, as a careful client would send them: within the declared
 * bounds, formats and enums, optional properties sometimes left out. Lengths stay short so a
 * run spends its requests on variety rather than bytes; hostile sizes come from hostileValue.
 */
export function valueOf(schema: Schema, schemas: Schemas, depth = 0, name?: string): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, schemas);
  const value = nonNullValueOf(resolved, schemas, depth, name);
  return resolved.nullable ? fc.option(value, { nil: null, freq: 8 }) : value;
}

function nonNullValueOf(schema: Schema, schemas: Schemas, depth: number, name: string | undefined): fc.Arbitrary<unknown> {
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return stringOf(schema, name);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(schema.items ?? {}, schemas, depth + 1, name), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    default:
      return objectOf(schema, schemas, depth);
  }
}

function objectOf(schema: Schema, schemas: Schemas, depth: number): fc.Arbitrary<unknown> {
  if (depth > 4) return fc.constant({});
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) {
    return schema.additionalProperties
      ? fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
      : fc.constant({});
  }
  const model = Object.fromEntries(properties.map(([name, property]) => [name, valueOf(property, schemas, depth + 1, name)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => name in model) });
}

/**
 * Values no schema of the API accepts in that place, or accepts only at its edges: wrong
 * types, huge and odd strings, ids and cursors that name nothing, numbers out of range, deep
 * nesting. Each is labelled, so a finding says which class of input caused it.
 */
export const HOSTILE_CLASSES = [
  'wrong_type',
  'huge_string',
  'unicode',
  'lone_surrogate',
  'nul',
  'bad_id',
  'bad_cursor',
  'number_range',
  'deep_nesting',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

export function hostileValue(kind: HostileClass): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'wrong_type':
      return fc.oneof(
        fc.boolean(),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
        fc.string({ maxLength: 10 }),
      );
    case 'huge_string':
      return fc.integer({ min: 1_000, max: 200_000 }).chain((length) => fc.constantFrom('a', 'é', '😀', ' ').map((unit) => unit.repeat(length)));
    case 'unicode':
      // Any code point, and the characters that confuse parsers and consoles.
      return fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        fc.constantFrom(
          '\u202e\u0627\u0644\u0639\u0631\u0628\u064a\u0629',
          'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319',
          '\ufeff\u200b\u2028\u2029',
          '%00',
          '../../etc/passwd',
          "' OR 1=1 --",
          '{{constructor}}',
          '__proto__',
        ),
      );
    case 'lone_surrogate':
      // Half of a UTF-16 surrogate pair: valid in a JSON string (\ud800), not in UTF-8.
      return fc
        .tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0xd800, max: 0xdfff }))
        .map(([text, code]) => `${text}${String.fromCharCode(code)}${text}`);
    case 'nul':
      return fc.string({ maxLength: 10 }).map((text) => `${text}\u0000${text}`);
    case 'bad_id':
      return fc.oneof(
        fc.uuid(),
        fc.constantFrom(
          '0',
          '-1',
          'null',
          'undefined',
          '00000000-0000-0000-0000-000000000000',
          'ffffffff-ffff-ffff-ffff-ffffffffffff',
          '..',
          '%2e%2e',
          'a/b',
          '1e309',
        ),
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.uuid().map((id) => id.toUpperCase() + 'x'),
      );
    case 'bad_cursor':
      return fc.oneof(
        fc.base64String({ minLength: 4, maxLength: 200 }),
        fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')),
        fc.string({ minLength: 1, maxLength: 100 }),
        fc.constantFrom('', '.', 'eyJpZCI6IjEifQ', 'eyJpZCI6IjEifQ.AAAA'),
      );
    case 'number_range':
      // Numbers past what the columns hold, and the same as the digits a query string carries.
      return fc.constantFrom(
        -1,
        0,
        2 ** 31,
        2 ** 53 + 1,
        -(2 ** 63),
        1e308,
        -1e308,
        1.5,
        0.1,
        Number.MIN_VALUE,
        -0,
        '99999999999999999999999',
        '-99999999999999999999999',
        '1e400',
        '0x10',
        '1_000',
      );
    case 'deep_nesting':
      return fc.integer({ min: 20, max: 1_000 }).map((depth) => {
        let nested: unknown = 'bottom';
        for (let level = 0; level < depth; level += 1) nested = level % 2 ? [nested] : { nested };
        return nested;
      });
  }
}
