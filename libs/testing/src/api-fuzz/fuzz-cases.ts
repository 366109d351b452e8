import fc from 'fast-check';
import { hostileValue, resolve, valueOf, type HostileClass, type Schema, type Schemas } from './schema-arbitraries.js';

/** One operation of the OpenAPI document, as the fuzzer calls it. */
export interface Operation {
  /** "POST /api/v1/contacts" */
  name: string;
  method: string;
  path: string;
  pathParameters: string[];
  /** Headers the operation requires (Idempotency-Key on money-moving routes): every request sends a fresh value unless a mutation set one. */
  requiredHeaders: string[];
  queryParameters: Array<{ name: string; schema: Schema }>;
  body?: { contentType: string; schema: Schema };
  secured: boolean;
}

/** A path parameter: a literal (percent-encoded when sent), one sent as it is, or the n-th id the run has seen in a response. */
export type PathValue = string | { raw: string } | { knownId: number };

/** owner: the run's signed-up owner; tampered: the owner's token with its signature changed; none: only what headers say. */
export type Credentials = 'owner' | 'tampered' | 'none';

export type Body =
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string; text: string }
  | { kind: 'multipart'; fields: Record<string, string>; files: Record<string, string> };

/** What was done to the request, so a finding names the class of input behind it. */
export type Mutation =
  | 'schema'
  | 'unknown_field'
  | 'missing_required'
  | 'malformed_json'
  | 'wrong_content_type'
  | 'long_path'
  | 'long_url'
  | 'bad_encoding'
  | 'odd_headers'
  | 'no_auth'
  | 'bad_auth'
  | `hostile_${HostileClass}`;

export interface FuzzCase {
  operation: Operation;
  mutation: Mutation;
  pathValues: PathValue[];
  query: Array<[string, string]>;
  headers: Record<string, string>;
  credentials: Credentials;
  body?: Body;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The parts of the gateway's OpenAPI document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
        requestBody?: { content: Record<string, { schema: Schema }> };
        security?: unknown[];
      }
    >
  >;
  components?: { schemas?: Schemas };
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = operation.parameters ?? [];
      const [contentType, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      operations.push({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParameters: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        requiredHeaders: parameters.filter((parameter) => parameter.in === 'header' && parameter.required).map((parameter) => parameter.name.toLowerCase()),
        queryParameters: parameters
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({ name: parameter.name, schema: parameter.schema ?? {} })),
        body: contentType && media ? { contentType, schema: media.schema } : undefined,
        secured: (operation.security ?? []).length > 0,
      });
    }
  }
  return operations;
}

/** A query value as a client writes it: lists comma-separated (API.md), objects as JSON. */
function queryText(value: unknown): string {
  const scalar = (item: unknown) => (item !== null && typeof item === 'object' ? JSON.stringify(item) : String(item));
  return Array.isArray(value) ? value.map(scalar).join(',') : scalar(value);
}

function queryArbitrary(operation: Operation, schemas: Schemas): fc.Arbitrary<Array<[string, string]>> {
  const model = Object.fromEntries(operation.queryParameters.map(({ name, schema }) => [name, valueOf(schema, schemas, 0, name)]));
  return fc.record(model, { requiredKeys: [] }).map((values) =>
    Object.entries(values)
      .filter(([, value]) => value !== null)
      .map(([name, value]) => [name, queryText(value)] as [string, string]),
  );
}

const pathValue: fc.Arbitrary<PathValue> = fc.oneof({ arbitrary: fc.nat().map((knownId) => ({ knownId })), weight: 3 }, { arbitrary: fc.uuid(), weight: 1 });

function validBody(operation: Operation, schemas: Schemas): fc.Arbitrary<Body | undefined> {
  if (!operation.body) return fc.constant(undefined);
  const value = valueOf(operation.body.schema, schemas);
  if (operation.body.contentType !== 'multipart/form-data') return value.map((json) => ({ kind: 'json', value: json }) as Body);
  const properties = resolve(operation.body.schema, schemas).properties ?? {};
  return value.map((form) => {
    const parts = Object.entries(form as object).map(([name, field]) => [name, queryText(field)]);
    const isFile = (name: string) => properties[name]?.format === 'binary';
    return {
      kind: 'multipart',
      fields: Object.fromEntries(parts.filter(([name]) => !isFile(name!))),
      files: Object.fromEntries(parts.filter(([name]) => isFile(name!))),
    } as Body;
  });
}

interface Baseline {
  pathValues: PathValue[];
  query: Array<[string, string]>;
  body: Body | undefined;
}

function baselineOf(operation: Operation, schemas: Schemas): fc.Arbitrary<Baseline> {
  return fc.record({
    pathValues: fc.tuple(...operation.pathParameters.map(() => pathValue)),
    query: queryArbitrary(operation, schemas),
    body: validBody(operation, schemas),
  });
}

/** Header values an HTTP client can send: visible ASCII and spaces (fetch refuses control characters). */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength });

const badCredentials: fc.Arbitrary<Partial<FuzzCase>> = fc.oneof(
  fc.constant({ credentials: 'tampered' as const }),
  fc
    .constantFrom('Bearer', 'Bearer ', 'Basic YWRhOmxvdmVsYWNl', 'bearer x.y.z', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', `Bearer ${'a'.repeat(5000)}`)
    .map((authorization) => ({ credentials: 'none' as const, headers: { authorization } })),
  headerText(80).map((key) => ({ credentials: 'none' as const, headers: { 'x-api-key': key } })),
);

const jsonFragments = fc.constantFrom(
  '{',
  '{"a":',
  '[1,2',
  '{"a":1,}',
  "{'a':1}",
  'nul',
  '"unterminated',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"a":NaN}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
);

/** Replaces one property of a JSON object body (or the whole body) with the given value. */
function replaceOneField(body: Body | undefined, operation: Operation, schemas: Schemas, value: unknown, pick: number): Body {
  const properties = Object.keys(resolve(operation.body?.schema ?? {}, schemas).properties ?? {});
  const current =
    body?.kind === 'json' && body.value !== null && typeof body.value === 'object' && !Array.isArray(body.value) ? (body.value as Record<string, unknown>) : {};
  if (properties.length === 0) return { kind: 'json', value };
  return { kind: 'json', value: { ...current, [properties[pick % properties.length]!]: value } };
}

function deepJsonBody(operation: Operation, schemas: Schemas, depth: number): Body {
  const property = Object.keys(resolve(operation.body?.schema ?? {}, schemas).properties ?? {})[0] ?? 'data';
  return { kind: 'raw', contentType: 'application/json', text: `{${JSON.stringify(property)}:${'['.repeat(depth)}${']'.repeat(depth)}}` };
}

function withHostile(operation: Operation, schemas: Schemas, baseline: Baseline, hostileClass: HostileClass): fc.Arbitrary<Partial<FuzzCase>> {
  return fc.tuple(hostileValue(hostileClass), fc.nat(), fc.constantFrom('path', 'query', 'body')).map(([value, pick, place]) => {
    if (place === 'path' && operation.pathParameters.length > 0) {
      const pathValues = [...baseline.pathValues];
      pathValues[pick % pathValues.length] = queryText(value);
      return { pathValues };
    }
    if ((place === 'query' || !operation.body) && operation.queryParameters.length > 0) {
      const name = operation.queryParameters[pick % operation.queryParameters.length]!.name;
      return { query: [...baseline.query.filter(([key]) => key !== name), [name, queryText(value)] as [string, string]] };
    }
    if (operation.body?.contentType === 'application/json') {
      // Nesting deeper than JSON.stringify can build goes in as text, into the body's first property.
      if (hostileClass === 'deep_nesting' && pick % 2 === 0) return { body: deepJsonBody(operation, schemas, 1_000 + (pick % 20_000)) };
      return { body: replaceOneField(baseline.body, operation, schemas, value, pick) };
    }
    return { query: [...baseline.query, ['extra', queryText(value)] as [string, string]] };
  });
}

type Choice = [Mutation, fc.Arbitrary<Partial<FuzzCase>>];

/** Every mutation that applies to the operation, by name. */
function mutationsOf(operation: Operation, schemas: Schemas, baseline: Baseline, hostileClasses: readonly HostileClass[]): Choice[] {
  const required = resolve(operation.body?.schema ?? {}, schemas).required ?? [];
  const choices: Choice[] = [
    [
      'unknown_field',
      fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })).map(([name, value]) =>
        operation.body?.contentType === 'application/json'
          ? {
              body: {
                kind: 'json',
                value: {
                  ...(baseline.body?.kind === 'json' && typeof baseline.body.value === 'object' ? (baseline.body.value as object) : {}),
                  [`x${name}`]: value,
                },
              } as Body,
            }
          : { query: [...baseline.query, [`x${name}`, queryText(value)] as [string, string]] },
      ),
    ],
    ['malformed_json', jsonFragments.map((text) => ({ body: { kind: 'raw', contentType: 'application/json', text } as Body }))],
    [
      'wrong_content_type',
      fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'multipart/form-data',
            'application/json; charset=utf-16',
            'application/jsonx',
          ),
          fc.string({ maxLength: 40 }),
        )
        .map(([contentType, text]) => ({ body: { kind: 'raw', contentType, text } as Body })),
    ],
    [
      'long_url',
      fc.integer({ min: 101, max: 50_000 }).map((length) => ({ query: [['q', 'q'.repeat(length < 1000 ? length * 20 : length)]] as Array<[string, string]> })),
    ],
    [
      'odd_headers',
      fc
        .tuple(headerText(300), headerText(300))
        .map(([requestId, idempotencyKey]) => ({ headers: { 'x-request-id': requestId, 'idempotency-key': idempotencyKey, accept: 'application/xml' } })),
    ],
    ['no_auth', fc.constant({ credentials: 'none' as const })],
    ['bad_auth', badCredentials],
    ...hostileClasses.map((hostileClass): Choice => [`hostile_${hostileClass}`, withHostile(operation, schemas, baseline, hostileClass)]),
  ];
  if (operation.pathParameters.length > 0) {
    const replacePathValue = (pick: number, value: PathValue) => {
      const pathValues = [...baseline.pathValues];
      pathValues[pick % pathValues.length] = value;
      return { pathValues };
    };
    choices.push(['long_path', fc.tuple(fc.integer({ min: 101, max: 100_000 }), fc.nat()).map(([length, pick]) => replacePathValue(pick, 'i'.repeat(length)))]);
    choices.push([
      'bad_encoding',
      fc
        .tuple(fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%80', '%ED%A0%80', '%FF', '%%32%65'), fc.nat())
        .map(([raw, pick]) => replacePathValue(pick, { raw })),
    ]);
  }
  const body = baseline.body;
  if (required.length > 0 && body?.kind === 'json') {
    choices.push([
      'missing_required',
      fc.constantFrom(...required).map((name) => ({
        body: { kind: 'json', value: Object.fromEntries(Object.entries(body.value as Record<string, unknown>).filter(([key]) => key !== name)) } as Body,
      })),
    ]);
  }
  return choices;
}

/**
 * Requests for one operation: a baseline from its schemas, then one mutation of it, drawn from
 * `only` when given (each must apply to the operation), else from all: about a third of them
 * go unmutated, so the run also gets past validation into the services.
 */
export function casesOf(operation: Operation, schemas: Schemas, hostileClasses: readonly HostileClass[], only?: readonly Mutation[]): fc.Arbitrary<FuzzCase> {
  return baselineOf(operation, schemas).chain((baseline) => {
    const all = mutationsOf(operation, schemas, baseline, hostileClasses);
    const weighted = only
      ? all.filter(([mutation]) => only.includes(mutation)).map(([mutation, arbitrary]) => ({ mutation, arbitrary, weight: 1 }))
      : [
          { mutation: 'schema' as const, arbitrary: fc.constant({}), weight: Math.ceil(all.length / 2) },
          ...all.map(([mutation, arbitrary]) => ({ mutation, arbitrary, weight: 1 })),
        ];
    if (weighted.length === 0) throw new Error(`none of ${only?.join(', ')} applies to ${operation.name}`);
    return fc.oneof(
      ...weighted.map(({ mutation, arbitrary, weight }) => ({
        weight,
        arbitrary: arbitrary.map((changes): FuzzCase => ({
          operation,
          pathValues: baseline.pathValues,
          query: baseline.query,
          body: baseline.body,
          headers: {},
          credentials: 'owner',
          ...changes,
          mutation,
        })),
      })),
    );
  });
}

/** Mutations whose requests no operation may accept: a create operation must refuse them all. */
export const REFUSED_MUTATIONS: readonly Mutation[] = ['unknown_field', 'missing_required', 'malformed_json', 'wrong_content_type', 'no_auth', 'bad_auth'];

/** Requests a create operation must refuse, or may accept only as the schema allows (a wrong type can be a null it takes). */
export function refusedCasesOf(operation: Operation, schemas: Schemas, hostileClasses: readonly HostileClass[]): fc.Arbitrary<FuzzCase> {
  const breaking = hostileClasses
    .filter((hostileClass) => hostileClass === 'wrong_type' || hostileClass === 'huge_string')
    .map((hostileClass): Mutation => `hostile_${hostileClass}`);
  return casesOf(operation, schemas, hostileClasses, [...REFUSED_MUTATIONS, ...breaking]);
}
