import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isEmail } from 'class-validator';

interface DocumentOperation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentOperation>>;
  components?: object;
  /** Statuses any route may answer in the error envelope, beyond those its operation lists. */
  'x-kinship-any-route'?: number[];
}

/** One gateway's document, its routes as patterns, and the response schemas compiled so far. */
interface DocumentedApi {
  routes: Array<{ path: string; pattern: RegExp; operations: Record<string, DocumentOperation> }>;
  anyRoute: ReadonlySet<number>;
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
}

declare global {
  var kinshipResponseCheckSkipped: string | undefined;
}

/**
 * For a suite whose gateway talks to stand-ins rather than the real services (their answers need
 * not be the contracts'): its responses are not checked. Say why.
 */
export function skipResponseCheck(reason: string): void {
  globalThis.kinshipResponseCheckSkipped = reason;
}

/** Requests under this prefix are answered by a Kinship gateway, whose document is at /docs-json of the same origin. */
const API_PREFIX = '/api/v1/';
const DOCUMENT_ID = 'kinship-openapi';
const ANY_ROUTE_ERROR = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };

/**
 * OpenAPI 3.0's `nullable: true` lets null through whatever else the schema says; Ajv's own
 * `nullable` only widens a `type` beside it, not an `enum` or a referenced object (`allOf`/`$ref`).
 * So each nullable schema becomes "null, or the schema".
 */
function withNullAllowed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNullAllowed);
  if (typeof value !== 'object' || value === null) return value;
  const nullable = (value as Record<string, unknown>).nullable === true;
  const schema = Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !(nullable && key === 'nullable'))
      .map(([key, child]) => [key, withNullAllowed(child)]),
  );
  return nullable ? { anyOf: [{ type: 'null' }, schema] } : schema;
}

function compileDocument(document: OpenApiDocument): DocumentedApi {
  // `example` and unknown formats are documentation only.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  // The API checks emails with class-validator's isEmail (UTF-8 local parts, as `søren@…`), not ajv-formats' ASCII pattern.
  ajv.addFormat('email', { type: 'string', validate: (value: string) => isEmail(value) });
  ajv.addSchema({ $id: DOCUMENT_ID, components: withNullAllowed(document.components ?? {}) });
  const routes = Object.entries(document.paths).map(([path, operations]) => ({
    path,
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
    operations,
  }));
  // A literal path wins over a template one (`/invoices/export` before `/invoices/{id}`).
  routes.sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
  return { routes, anyRoute: new Set(document['x-kinship-any-route'] ?? []), ajv, validators: new Map() };
}

/** The schema with its local references pointed at the document added to Ajv. */
function referenced(schema: object): object {
  return withNullAllowed(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`))) as object;
}

/**
 * Checks every response of a Kinship gateway against the gateway's own OpenAPI document: its
 * status must be one the operation documents, and a JSON body must match the documented schema.
 * A status the document's `x-kinship-any-route` lists must carry the error envelope. Installed for the integration suites (jest setupFilesAfterEnv); a mismatch fails the test that
 * received it. Paths the document lacks (a 404 for an unknown route) are not checked.
 */
export class ResponseCheck {
  readonly mismatches: string[] = [];
  private readonly documents = new Map<string, Promise<DocumentedApi | undefined>>();

  constructor(private readonly send: typeof fetch) {}

  /** A fetch that checks the gateway's responses as it returns them. */
  fetch(): typeof fetch {
    return async (input, init) => {
      const response = await this.send(input, init);
      // Read from the arguments, not a Request built of them: a hostile request may not make one.
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      if (!globalThis.kinshipResponseCheckSkipped && url.pathname.startsWith(API_PREFIX)) await this.check(url, method, response);
      return response;
    };
  }

  private documentOf(origin: string): Promise<DocumentedApi | undefined> {
    let document = this.documents.get(origin);
    if (!document) {
      document = this.send(`${origin}/docs-json`)
        .then(async (answer) => (answer.ok ? compileDocument((await answer.json()) as OpenApiDocument) : undefined))
        .catch(() => undefined);
      this.documents.set(origin, document);
    }
    return document;
  }

  private async check(url: URL, method: string, response: Response): Promise<void> {
    const api = await this.documentOf(url.origin);
    const route = api?.routes.find((candidate) => candidate.pattern.test(url.pathname));
    const operation = route?.operations[method.toLowerCase()];
    if (!api || !route || !operation) return;
    const where = `${method} ${url.pathname}${url.search}`;
    const status = String(response.status);
    const anyRoute = !operation.responses[status] && api.anyRoute.has(response.status);
    const documented = anyRoute ? ANY_ROUTE_ERROR : (operation.responses[status] ?? operation.responses.default);
    if (!documented) {
      this.mismatches.push(
        `${where} answered ${status}, which ${method} ${route.path} does not document (${Object.keys(operation.responses).join(', ')}): ${(await response.clone().text()).slice(0, 300)}`,
      );
      return;
    }
    const schema = documented.content?.['application/json']?.schema;
    if (!schema || !response.headers.get('content-type')?.includes('application/json')) return;
    // By schema: most error answers share one, and compiling is the slow part.
    const key = JSON.stringify(schema);
    let validate = api.validators.get(key);
    if (!validate) {
      validate = api.ajv.compile(referenced(schema));
      api.validators.set(key, validate);
    }
    const body: unknown = await response.clone().json();
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`).join('; ');
      this.mismatches.push(
        `${where} answered ${status} with a body ${route.path}'s document does not describe: ${errors}: ${JSON.stringify(body).slice(0, 300)}`,
      );
    }
  }
}
