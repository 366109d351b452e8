/**
 * What authentication costs: sign-ins per second (argon2id), whether hashing starves the event
 * loop that serves everything else, and what checking an access token or an API key adds to one
 * request, against a public route doing the same work.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ServiceClient, type RpcRequest } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { Public, RequirePermission } from '../../services/gateway/dist/access/route-access.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { Caller } from '../../services/gateway/dist/http/caller-context.js';
import { fixed, load, measured, numberFromEnv, print, saveResult, type Load, type Measured } from './lib.js';

// autocannon's rate limit; bench/src/types/autocannon.d.ts declares only what the other benches use.
declare module 'autocannon' {
  interface Options {
    /** Requests per second across all connections; each connection sends its share at the start of every second. */
    overallRate?: number;
  }
}

const DURATION_S = numberFromEnv('BENCH_DURATION', 10);
const WARMUP_S = numberFromEnv('BENCH_WARMUP', 3);
const LOGIN_CONNECTIONS = 16;
const PROBE_CONNECTIONS = 8;
/** The probe of (2) asks this many req/s, alone and during the logins, so both see the same offered load. */
const PROBE_RATE = 100;
/** Logins start this long before the probe and end this long after it, so the probe sees only full-speed logins. */
const LOGIN_MARGIN_S = 0.5;
const ECHO_CONNECTIONS = 64;
const ME_PATH = '/api/v1/me';
const LOGIN_PATH = '/api/v1/auth/login';
const PUBLIC_PATH = '/api/v1/bench/echo-public';
const PROTECTED_PATH = '/api/v1/bench/echo-protected';
const ECHO_BODY = JSON.stringify({ name: 'Ada Lovelace', count: 3 });
/**
 * Sign-ins are throttled per client address, counted in the Redis every run and test suite
 * shares. The gateway believes X-Forwarded-For from loopback, so the bench signs in from an
 * address of its own, in the range reserved for benchmarks (RFC 2544: 198.18.0.0/15).
 */
const CLIENT_ADDRESS = `198.${18 + (randomBytes(1)[0]! % 2)}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/** Validated like every real gateway body, so both echo routes pay what a real route pays. */
class EchoBody {
  @IsString()
  @MaxLength(100)
  name!: string;

  @IsInt()
  @Min(0)
  count!: number;
}

/** Two routes doing the same work; only their access declaration differs. */
@Controller('bench')
class BenchGatewayController {
  constructor(private readonly services: ServiceClient) {}

  @Post('echo-public')
  @Public()
  @HttpCode(200)
  publicEcho(@Body() body: EchoBody, @Caller() caller: RequestContext): Promise<unknown> {
    return this.services.send('crm.bench.echo', body, caller);
  }

  @Post('echo-protected')
  @RequirePermission('contacts:read')
  @HttpCode(200)
  protectedEcho(@Body() body: EchoBody, @Caller() caller: RequestContext): Promise<unknown> {
    return this.services.send('crm.bench.echo', body, caller);
  }
}

@Controller()
class BenchHandlers {
  @MessagePattern('crm.bench.echo')
  echo(@Payload() request: RpcRequest<EchoBody>): { ok: true; echo: EchoBody } {
    return { ok: true, echo: request.data };
  }
}

@Module({ controllers: [BenchHandlers] })
class BenchHandlersModule {}

const failuresOf = (m: Measured) => m.errors + m.timeouts + m.non2xx;

/**
 * The servers' event loop (this process's main thread) while a load runs: how late a timer due
 * every RESOLUTION_MS fires. The histogram records the whole interval, so the resolution is taken off.
 */
async function withEventLoopDelay<T>(run: () => Promise<T>): Promise<{ value: T; delayP99Ms: number; delayMaxMs: number }> {
  const RESOLUTION_MS = 10;
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  try {
    const value = await run();
    const lateness = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return { value, delayP99Ms: lateness(histogram.percentile(99)), delayMaxMs: lateness(histogram.max) };
  } finally {
    histogram.disable();
  }
}

/** One request before the load, so a wrong route or credentials fail loudly instead of making a fast benchmark of 401s. */
async function expectAnswer<T = unknown>(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body: unknown,
  status: number,
): Promise<T> {
  const response = await fetch(url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== status) throw new Error(`${method} ${path} answered ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Counts the requests the gateway sends to the auth service to verify an API key (a plain subscriber sees each one). */
async function countKeyVerifications(environment: TestEnvironment): Promise<{ nats: NatsConnection; count(): number }> {
  const nats = await connect({ servers: environment.natsUrl });
  let seen = 0;
  nats.subscribe(`${environment.natsNamespace}auth.api-keys.verify`, { callback: () => void seen++ });
  await nats.flush();
  return { nats, count: () => seen };
}

async function main(): Promise<number> {
  let environment: TestEnvironment | undefined;
  let auth: RunningService | undefined;
  let crm: RunningService | undefined;
  let gateway: RunningService | undefined;
  let verifications: { nats: NatsConnection; count(): number } | undefined;
  try {
    environment = await createTestEnvironment('bench auth');
    auth = await startTestService(authService, environment);
    crm = await startTestService({ ...crmService, features: () => [BenchHandlersModule] }, environment);
    gateway = await startGateway(environment.env, { features: [{ module: class BenchGatewayModule {}, controllers: [BenchGatewayController] }] });
    const url = gateway.url;
    verifications = await countKeyVerifications(environment);

    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    const password = `bench-${randomBytes(12).toString('hex')}`;
    const registered = await expectAnswer<{ accessToken: string }>(
      url,
      'POST',
      '/api/v1/auth/register',
      {},
      { email, password, name: 'Bench Owner', workspaceName: 'Bench workspace' },
      201,
    );
    const bearer = { authorization: `Bearer ${registered.accessToken}` };
    const created = await expectAnswer<{ key: string }>(url, 'POST', '/api/v1/api-keys', bearer, { name: 'bench', scopes: ['contacts:read'] }, 201);
    const apiKey = { 'x-api-key': created.key };
    const signIn = { 'x-forwarded-for': CLIENT_ADDRESS };
    await expectAnswer(url, 'POST', LOGIN_PATH, signIn, { email, password }, 200);
    await expectAnswer(url, 'GET', ME_PATH, bearer, undefined, 200);
    const echoed = JSON.stringify({ ok: true, echo: JSON.parse(ECHO_BODY) });
    for (const [path, headers] of [
      [PUBLIC_PATH, {}],
      [PROTECTED_PATH, bearer],
      [PROTECTED_PATH, apiKey],
    ] as const) {
      const answer = await expectAnswer(url, 'POST', path, headers, JSON.parse(ECHO_BODY), 200);
      if (JSON.stringify(answer) !== echoed) throw new Error(`POST ${path} answered ${JSON.stringify(answer)}`);
    }
    await expectAnswer(url, 'POST', PROTECTED_PATH, {}, JSON.parse(ECHO_BODY), 401);

    const json = { 'content-type': 'application/json' };
    const logins: Load = {
      path: LOGIN_PATH,
      method: 'POST',
      headers: { ...json, ...signIn },
      body: JSON.stringify({ email, password }),
      connections: LOGIN_CONNECTIONS,
    };
    const probe: Load = { path: ME_PATH, method: 'GET', headers: bearer, connections: PROBE_CONNECTIONS, rate: PROBE_RATE };
    const echo = (headers: Record<string, string>, path: string): Load => ({
      path,
      method: 'POST',
      headers: { ...json, ...headers },
      body: ECHO_BODY,
      connections: ECHO_CONNECTIONS,
    });
    const echoPublic = echo({}, PUBLIC_PATH);
    const echoBearer = echo(bearer, PROTECTED_PATH);
    const echoApiKey = echo(apiKey, PROTECTED_PATH);

    // (3) first, on a quiet machine: sign-ins leave work behind (audit rows, outbox events to relay).
    // The same echo, public, with an access token, with an API key; all three warmed together first.
    print(`POST /api/v1/bench/echo-*: warming up ${WARMUP_S} s, then ${DURATION_S} s each at ${ECHO_CONNECTIONS} connections: public, access token, API key…`);
    const echoWarmups = await Promise.all(
      [echoPublic, echoBearer, echoApiKey].map((spec) => load(url, { ...spec, connections: ECHO_CONNECTIONS / 4 }, WARMUP_S)),
    );
    const publicResult = await load(url, echoPublic, DURATION_S);
    const bearerResult = await load(url, echoBearer, DURATION_S);
    const verificationsBefore = verifications.count();
    const apiKeyResult = await load(url, echoApiKey, DURATION_S);
    const keyVerifications = verifications.count() - verificationsBefore;

    // (2) alone, then (1) and (2) together.
    print(`GET ${ME_PATH}: warming up ${WARMUP_S} s, then ${DURATION_S} s at ${PROBE_RATE} req/s over ${PROBE_CONNECTIONS} connections, alone…`);
    const probeWarmup = await load(url, { ...probe, rate: undefined }, WARMUP_S);
    const alone = await withEventLoopDelay(() => load(url, probe, DURATION_S));
    print(
      `POST ${LOGIN_PATH} at ${LOGIN_CONNECTIONS} connections for ${DURATION_S + 2 * LOGIN_MARGIN_S} s, with the same GET ${ME_PATH} load in its middle ${DURATION_S} s…`,
    );
    const loginRun = load(url, logins, DURATION_S + 2 * LOGIN_MARGIN_S);
    const during = await withEventLoopDelay(async () => {
      await sleep(LOGIN_MARGIN_S * 1000);
      return load(url, probe, DURATION_S);
    });
    const loginResult = await loginRun;

    const m = {
      logins: measured(loginResult),
      meAlone: measured(alone.value, [probeWarmup]),
      meDuringLogins: measured(during.value),
      public: measured(publicResult, [echoWarmups[0]!]),
      bearer: measured(bearerResult, [echoWarmups[1]!]),
      apiKey: measured(apiKeyResult, [echoWarmups[2]!]),
    };
    const eventLoopDelay = {
      aloneP99Ms: alone.delayP99Ms,
      aloneMaxMs: alone.delayMaxMs,
      duringLoginsP99Ms: during.delayP99Ms,
      duringLoginsMaxMs: during.delayMaxMs,
    };
    const versus = (a: Measured, b: Measured) => ({ throughput: a.requestsPerSecond / b.requestsPerSecond, p50: a.p50Ms / b.p50Ms, p99: a.p99Ms / b.p99Ms });
    const ratios = {
      meDuringLoginsVsAlone: versus(m.meDuringLogins, m.meAlone),
      bearerVsPublic: versus(m.bearer, m.public),
      apiKeyVsPublic: versus(m.apiKey, m.public),
    };

    const row = (label: string, x: Measured, unit = 'req/s') =>
      `  ${label.padEnd(30)} ${fixed(x.requestsPerSecond, 0).padStart(7)} ${unit.padEnd(8)} p50 ${fixed(x.p50Ms).padStart(6)} ms   p99 ${fixed(x.p99Ms).padStart(6)} ms   errors ${x.errors}  timeouts ${x.timeouts}  non-2xx ${x.non2xx}`;
    print();
    print(
      `Sign-ins — POST ${LOGIN_PATH} at ${LOGIN_CONNECTIONS} connections (argon2id m=19 MiB t=2 p=1 on libuv's pool of ${process.env.UV_THREADPOOL_SIZE ?? 4} threads),` +
        ` and GET ${ME_PATH} (access token, no hashing) at ${PROBE_RATE} req/s over ${PROBE_CONNECTIONS} connections, ${DURATION_S} s each`,
    );
    print(row('logins', m.logins, 'logins/s'));
    print(row(`GET /me alone`, m.meAlone));
    print(row(`GET /me during logins`, m.meDuringLogins));
    print(
      `  GET /me during logins ÷ alone: p50 ×${fixed(ratios.meDuringLoginsVsAlone.p50, 2)}   p99 ×${fixed(ratios.meDuringLoginsVsAlone.p99, 2)}` +
        `   served ${fixed(m.meDuringLogins.requestsPerSecond, 0)} of ${PROBE_RATE} req/s asked`,
    );
    print(
      `  event-loop delay of the servers' thread: p99 ${fixed(eventLoopDelay.aloneP99Ms)} ms (max ${fixed(eventLoopDelay.aloneMaxMs)}) alone,` +
        ` ${fixed(eventLoopDelay.duringLoginsP99Ms)} ms (max ${fixed(eventLoopDelay.duringLoginsMaxMs)}) during logins`,
    );
    print();
    print(
      `Authentication per request — POST /api/v1/bench/echo-{public,protected} ${ECHO_BODY} → crm, ${ECHO_CONNECTIONS} connections, ${DURATION_S} s each after ${WARMUP_S} s warm-up`,
    );
    print(row('public (@Public)', m.public));
    print(row('access token (contacts:read)', m.bearer));
    print(row('API key (contacts:read)', m.apiKey));
    for (const [label, ratio] of [
      ['access token', ratios.bearerVsPublic],
      ['API key     ', ratios.apiKeyVsPublic],
    ] as const) {
      print(`  ratio ${label} ÷ public: throughput ${fixed(ratio.throughput, 3)}   p50 latency ×${fixed(ratio.p50, 2)}   p99 latency ×${fixed(ratio.p99, 2)}`);
    }
    print(
      `  the auth service verified the API key ${keyVerifications} time(s) during its run; the gateway caches a verified key 30 s, so the other requests cost a Redis read.` +
        ' When the entry expires, every request in flight misses and asks the auth service (up to one per connection).',
    );
    print(
      `  note: gateway, auth and crm services and the load generators share one process (loads in worker threads) and the ${availableParallelism()} cores of this machine` +
        ' with PostgreSQL, Redis and nats-server; the figures compare paths on the same machine, they are not capacity numbers.',
    );

    const failures = Object.values(m).reduce((sum, x) => sum + failuresOf(x), 0);
    await saveResult('auth', {
      durationS: DURATION_S,
      loginConnections: LOGIN_CONNECTIONS,
      probeConnections: PROBE_CONNECTIONS,
      probeRate: PROBE_RATE,
      echoConnections: ECHO_CONNECTIONS,
      ...m,
      eventLoopDelay,
      ratios,
      apiKeyVerifications: keyVerifications,
      failures,
    });
    if (failures > 0) {
      for (const [label, x] of Object.entries(m)) if (failuresOf(x) > 0) print(`  ${label}: answers by status ${JSON.stringify(x.statusCodes)}`);
      print(`FAILED: ${failures} errors, timeouts or non-2xx answers; the figures above do not measure a working path.`);
      return 1;
    }
    return 0;
  } finally {
    await verifications?.nats.close();
    await gateway?.close();
    await crm?.close();
    await auth?.close();
    // Drops the database and the namespace's event streams, which the services declared on start.
    await environment?.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`auth failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // exit() rather than exitCode: after a failure midway, open connections could keep the process alive.
    process.exit(1);
  },
);
