import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { casesOf, operationsOf, REFUSED_MUTATIONS, refusedCasesOf, type FuzzCase, type Mutation, type OpenApiDocument, type Operation } from './fuzz-cases.js';
import { HOSTILE_CLASSES, KNOWN_ID, type HostileClass, type Schemas } from './schema-arbitraries.js';

export interface FuzzOptions {
  /** Where the gateway listens, e.g. http://127.0.0.1:3000; its OpenAPI document is read from /docs-json. */
  baseUrl: string;
  /** The same seed sends the same requests (ids the server hands out aside). */
  seed: number;
  /** Requests of the main run, dealt out to the operations in turn. */
  requests: number;
  /** Requests each create operation must refuse in the check that refused requests create nothing. */
  refusedPerCollection: number;
  /** Which classes of hostile values to send; all by default. */
  hostileClasses?: readonly HostileClass[];
  /** A request without an answer after this long is a finding (default 60 s: longer than the services' RPC timeout). */
  timeoutMs?: number;
}

export type FindingKind = 'server_error' | 'not_enveloped' | 'status_mismatch' | 'no_answer' | 'created_by_refused' | 'accepted_invalid';

export interface FuzzFinding {
  kind: FindingKind;
  operation: string;
  mutation: Mutation | 'count';
  status: number;
  request: string;
  response: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  operations: number;
  operationsCovered: number;
  /** Operations that answered at least one request with a 2xx: how far past validation the run reached. */
  operationsSucceeded: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Requests the HTTP client itself would not send (a header value it refuses); not counted as sent. */
  unsendable: number;
  findings: FuzzFinding[];
  durationMs: number;
}

/** A create operation and the list whose length must not grow when it refuses a request. */
const COLLECTIONS: Array<{ create: string; list: string }> = [
  'contacts',
  'companies',
  'deals',
  'tasks',
  'notes',
  'segments',
  'pipelines',
  'custom-fields',
  'webhook-endpoints',
  'api-keys',
  'invitations',
  'email-templates',
  'campaigns',
  'exports',
  'views',
].map((collection) => ({ create: `POST /api/v1/${collection}`, list: `/api/v1/${collection}` }));

/** Every operation gets one request of each of these first, whatever the seed draws after. */
const FOR_EVERY_OPERATION: readonly Mutation[] = ['no_auth', 'bad_auth'];

const PASSWORD = 'fuzz-amber-cobalt-violin-meadow';
const EXCERPT = 300;

const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} chars)` : text);

interface Answer {
  status: number;
  text: string;
}

/** What is wrong with an answer, if anything: a 5xx, or an error outside the envelope or disagreeing with the status line. */
export function problemOf(answer: Answer): FindingKind | undefined {
  if (answer.status >= 500) return 'server_error';
  if (answer.status < 400) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return 'not_enveloped';
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || !Array.isArray(error.details)) return 'not_enveloped';
  return error.status === answer.status ? undefined : 'status_mismatch';
}

/** Runs the fuzzer against a running gateway as the owner of a workspace it signs up through the API. */
export async function fuzzApi(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const run = new FuzzRun(options);
  await run.prepare();
  await run.mainRun();
  await run.refusedCreates();
  return run.report(performance.now() - started);
}

class FuzzRun {
  private operations: Operation[] = [];
  private schemas: Schemas = {};
  private readonly hostileClasses: readonly HostileClass[];
  private readonly timeoutMs: number;
  /** Every request comes from one address of the range reserved for benchmarks, so throttling by address touches no one else. */
  private readonly clientAddress: string;
  private readonly ownerEmail = `fuzz-${randomBytes(6).toString('hex')}@example.com`;
  private accessToken = '';
  /** Ids seen in successful answers, by the path segment that names their kind ("contacts", "conflicts"…). */
  private readonly knownIds = new Map<string, string[]>();
  private readonly covered = new Set<string>();
  private readonly succeeded = new Set<string>();
  private readonly statuses: Record<string, number> = {};
  private readonly findings: FuzzFinding[] = [];
  private sent = 0;
  private unsendable = 0;

  constructor(private readonly options: FuzzOptions) {
    this.hostileClasses = options.hostileClasses ?? HOSTILE_CLASSES;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    const [third, fourth] = fc.sample(fc.integer({ min: 1, max: 254 }), { seed: options.seed, numRuns: 2 });
    this.clientAddress = `198.18.${third}.${fourth}`;
  }

  async prepare(): Promise<void> {
    const document = (await (await fetch(`${this.options.baseUrl}/docs-json`)).json()) as OpenApiDocument;
    this.operations = operationsOf(document);
    this.schemas = document.components?.schemas ?? {};
    const registered = await this.call('POST', '/api/v1/auth/register', {
      email: this.ownerEmail,
      password: PASSWORD,
      name: 'Fuzz Owner',
      workspaceName: 'Fuzzed workspace',
    });
    if (registered.status !== 201) throw new Error(`signing up the fuzz owner answered ${registered.status}: ${registered.text}`);
    this.accessToken = JSON.parse(registered.text).accessToken;
  }

  /** Requests dealt to the operations in turn, each operation's drawn from its own seeded stream. */
  async mainRun(): Promise<void> {
    const perOperation = Math.ceil(this.options.requests / this.operations.length);
    const streams = this.operations.map((operation, index) => {
      const seed = this.options.seed + index;
      const first = FOR_EVERY_OPERATION.map(
        (mutation) => fc.sample(casesOf(operation, this.schemas, this.hostileClasses, [mutation]), { seed, numRuns: 1 })[0]!,
      );
      return [...first, ...fc.sample(casesOf(operation, this.schemas, this.hostileClasses), { seed, numRuns: Math.max(perOperation - first.length, 0) })];
    });
    for (let round = 0, sent = 0; round < perOperation; round += 1) {
      for (const stream of streams) {
        if (sent === this.options.requests) return;
        await this.send(stream[round]!);
        sent += 1;
      }
    }
  }

  /** Requests that create operations must refuse; the lists they would grow must keep their length. */
  async refusedCreates(): Promise<void> {
    for (const [index, collection] of COLLECTIONS.entries()) {
      const operation = this.operations.find((candidate) => candidate.name === collection.create);
      if (!operation) throw new Error(`the OpenAPI document has no ${collection.create}`);
      const cases = fc.sample(refusedCasesOf(operation, this.schemas, this.hostileClasses), {
        seed: this.options.seed + 10_000 + index,
        numRuns: this.options.refusedPerCollection,
      });
      const before = await this.count(collection.list);
      let accepted = 0;
      for (const fuzzCase of cases) {
        const answer = await this.send(fuzzCase);
        if (answer && answer.status < 300) {
          accepted += 1;
          if (REFUSED_MUTATIONS.includes(fuzzCase.mutation)) this.record('accepted_invalid', fuzzCase, this.describe(fuzzCase), answer);
        }
      }
      const after = await this.count(collection.list);
      // An accepted request may create a record or not (an upsert); a refused one must create none.
      if (after > before + accepted || after < before) {
        this.findings.push({
          kind: 'created_by_refused',
          operation: collection.create,
          mutation: 'count',
          status: 0,
          request: `${cases.length} requests, ${accepted} accepted`,
          response: `${collection.list}: ${before} before, ${after} after`,
        });
      }
    }
  }

  report(durationMs: number): FuzzReport {
    return {
      seed: this.options.seed,
      requests: this.sent,
      operations: this.operations.length,
      operationsCovered: this.covered.size,
      operationsSucceeded: this.succeeded.size,
      statuses: this.statuses,
      unsendable: this.unsendable,
      findings: this.findings,
      durationMs: Math.round(durationMs),
    };
  }

  /** How many records a list holds, page after page. */
  private async count(list: string): Promise<number> {
    let total = 0;
    let cursor: string | null = null;
    do {
      const answer = await this.call('GET', `${list}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (answer.status !== 200) throw new Error(`listing ${list} answered ${answer.status}: ${answer.text}`);
      const page = JSON.parse(answer.text) as { data: unknown[]; nextCursor?: string | null } | unknown[];
      if (Array.isArray(page)) return page.length;
      total += page.data.length;
      cursor = page.nextCursor ?? null;
    } while (cursor);
    return total;
  }

  private async send(fuzzCase: FuzzCase): Promise<Answer | undefined> {
    let request: RequestInit & { url: string };
    try {
      request = this.requestOf(fuzzCase);
    } catch {
      this.unsendable += 1;
      return undefined;
    }
    const description = this.describe(fuzzCase, request);
    let answer: Answer;
    try {
      const response = await fetch(request.url, { ...request, signal: AbortSignal.timeout(this.timeoutMs) });
      answer = { status: response.status, text: await response.text() };
    } catch (error) {
      if (error instanceof TypeError && /header|ByteString/i.test(String((error as { cause?: unknown }).cause ?? error.message))) {
        this.unsendable += 1;
        return undefined;
      }
      this.sent += 1;
      this.covered.add(fuzzCase.operation.name);
      this.findings.push({
        kind: 'no_answer',
        operation: fuzzCase.operation.name,
        mutation: fuzzCase.mutation,
        status: 0,
        request: description,
        response: excerpt(String(error)),
      });
      return undefined;
    }
    this.sent += 1;
    this.covered.add(fuzzCase.operation.name);
    this.statuses[answer.status] = (this.statuses[answer.status] ?? 0) + 1;
    const problem = problemOf(answer);
    if (problem) this.record(problem, fuzzCase, description, answer);
    if (answer.status < 300) {
      this.succeeded.add(fuzzCase.operation.name);
      this.learnIds(fuzzCase.operation, answer.text);
    }
    if (answer.status === 401 && fuzzCase.credentials === 'owner') await this.keepSignedIn();
    return answer;
  }

  private record(kind: FindingKind, fuzzCase: FuzzCase, request: string, answer: Answer): void {
    this.findings.push({
      kind,
      operation: fuzzCase.operation.name,
      mutation: fuzzCase.mutation,
      status: answer.status,
      request,
      response: excerpt(answer.text),
    });
  }

  private requestOf(fuzzCase: FuzzCase): RequestInit & { url: string } {
    let pathIndex = 0;
    const segments = fuzzCase.operation.path.split('/');
    const path = segments
      .map((segment, index) => {
        if (!segment.startsWith('{')) return segment;
        const value = fuzzCase.pathValues[pathIndex++]!;
        if (typeof value === 'string') return encodeURIComponent(value);
        if ('raw' in value) return value.raw;
        // An id of the kind the segment before names: /deals/{id} takes a deal's.
        return encodeURIComponent(this.knownId(segments[index - 1]!, value.knownId));
      })
      .join('/');
    const query =
      fuzzCase.query.length > 0 ? `?${new URLSearchParams(fuzzCase.query.map(([name, value]): [string, string] => [name, this.withKnownIds(value)]))}` : '';
    const headers: Record<string, string> = { 'x-forwarded-for': this.clientAddress, ...fuzzCase.headers };
    // A fresh value each time: an Idempotency-Key used again with another body is a 409 by design.
    for (const name of fuzzCase.operation.requiredHeaders) headers[name] ??= `fuzz-${randomUUID()}`;
    if (fuzzCase.credentials === 'owner') headers.authorization = `Bearer ${this.accessToken}`;
    if (fuzzCase.credentials === 'tampered')
      headers.authorization = `Bearer ${this.accessToken.slice(0, -4)}${this.accessToken.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    let body: string | FormData | undefined;
    const given = fuzzCase.body;
    if (given?.kind === 'json') {
      headers['content-type'] = 'application/json';
      body = this.withKnownIds(JSON.stringify(given.value) ?? 'null');
    } else if (given?.kind === 'raw') {
      headers['content-type'] = given.contentType;
      body = given.text;
    } else if (given?.kind === 'multipart') {
      const form = new FormData();
      for (const [name, value] of Object.entries(given.fields)) form.append(name, this.withKnownIds(value));
      for (const [name, content] of Object.entries(given.files)) form.append(name, new Blob([content], { type: 'text/csv' }), 'fuzz.csv');
      body = form;
    }
    // fetch sends no body with GET; other methods carry the mutated body even where the operation declares none.
    const method = fuzzCase.operation.method;
    return { url: `${this.options.baseUrl}${path}${query}`, method, headers, body: method === 'GET' ? undefined : body };
  }

  /** The index-th id of the kind seen so far, else of any kind, else an id that names nothing. */
  private knownId(kind: string, index: number): string {
    const ofKind = this.knownIds.get(kind) ?? [];
    const ids = ofKind.length > 0 ? ofKind : [...this.knownIds.values()].flat();
    return ids[index % Math.max(ids.length, 1)] ?? '00000000-0000-7000-8000-000000000000';
  }

  private withKnownIds(text: string): string {
    return text.replace(KNOWN_ID, (_marker, kind: string, index: string) => this.knownId(kind, Number(index)));
  }

  private describe(fuzzCase: FuzzCase, request?: RequestInit & { url: string }): string {
    const sent = request ?? this.requestOf(fuzzCase);
    const contentType = fuzzCase.body?.kind === 'raw' ? ` (${fuzzCase.body.contentType})` : '';
    const body = typeof sent.body === 'string' ? `${contentType} ${sent.body}` : sent.body ? ' <multipart>' : '';
    return excerpt(`${sent.method} ${sent.url.replace(this.options.baseUrl, '')} [${fuzzCase.credentials}]${body}`);
  }

  /** Ids in successful answers, kept under the operation's last literal path segment, so later requests name records that exist. */
  private learnIds(operation: Operation, text: string): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    const kind = operation.path
      .split('/')
      .filter((segment) => segment && !segment.startsWith('{'))
      .at(-1)!;
    const ids = this.knownIds.get(kind) ?? [];
    this.knownIds.set(kind, ids);
    const records = [body, ...((body as { data?: unknown[] } | null)?.data ?? [])];
    for (const record of records) {
      const id = (record as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
    }
  }

  /** A request may end the owner's session (e.g. revoking it); the run signs in again to keep exploring as the owner. */
  private async keepSignedIn(): Promise<void> {
    const me = await this.call('GET', '/api/v1/me');
    if (me.status !== 401) return;
    const session = await this.call('POST', '/api/v1/auth/login', { email: this.ownerEmail, password: PASSWORD });
    if (session.status !== 200) throw new Error(`signing the fuzz owner in again answered ${session.status}: ${session.text}`);
    this.accessToken = JSON.parse(session.text).accessToken;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.clientAddress };
    if (this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  }
}

/** Findings grouped by what went wrong where, with one example each: a readable failure message. */
export function summarizeFindings(findings: FuzzFinding[]): string[] {
  const groups = new Map<string, { count: number; example: FuzzFinding }>();
  for (const finding of findings) {
    const key = `${finding.kind} ${finding.status} ${finding.mutation} ${finding.operation}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { count: 1, example: finding });
  }
  return [...groups].map(([key, { count, example }]) => `${key} ×${count}: ${example.request} → ${example.response}`);
}
