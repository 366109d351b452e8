/**
 * What one request through the gateway costs: HTTP → gateway (Nest + Fastify, validation,
 * request id, helmet, CORS, metrics) → NATS request/reply → crm handler → back; against a plain
 * Fastify server that parses the same JSON body and answers the same object.
 */
import { availableParallelism } from 'node:os';
import { Body, Controller, HttpCode, Module, Post, Req } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import Fastify, { type FastifyRequest } from 'fastify';
import { ServiceClient, type RpcRequest } from '@kinship/messaging';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { Public } from '../../services/gateway/dist/access/route-access.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { fixed, load, measured, numberFromEnv, print, saveResult, type Load, type Measured } from './lib.js';

const CONNECTIONS = 64;
const DURATION_S = numberFromEnv('BENCH_DURATION', 10);
const WARMUP_S = numberFromEnv('BENCH_WARMUP', 3);
const PATH = '/api/v1/bench/echo';
const BODY = JSON.stringify({ name: 'Ada Lovelace', count: 3 });

/** Validated like every real gateway body, so the bench pays what a real route pays. */
class EchoBody {
  @IsString()
  @MaxLength(100)
  name!: string;

  @IsInt()
  @Min(0)
  count!: number;
}

// The baseline path: no authentication, as the plain Fastify handler has none.
@Public()
@Controller('bench')
class BenchGatewayController {
  constructor(private readonly services: ServiceClient) {}

  // 200 like the plain server, so both runs count the same status as success.
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: EchoBody, @Req() request: FastifyRequest): Promise<unknown> {
    return this.services.send('crm.bench.echo', body, { workspaceId: null, userId: null, role: null, scopes: [], requestId: String(request.id) });
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

/** The baseline: Fastify alone, parsing the body and building the same answer, nothing else. */
async function startPlainFastify(): Promise<{ url: string; close(): Promise<void> }> {
  const server = Fastify({ logger: false });
  server.post(PATH, async (request) => ({ ok: true, echo: request.body }));
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => server.close() };
}

/** The same request as the plain baseline, in one autocannon worker thread beside the servers. */
const echoLoad: Load = { path: PATH, method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY, connections: CONNECTIONS };

async function measure(label: string, url: string): Promise<Measured> {
  print(`${label}: warming up ${WARMUP_S} s, then measuring ${DURATION_S} s at ${CONNECTIONS} connections…`);
  const warmup = await load(url, echoLoad, WARMUP_S);
  return measured(await load(url, echoLoad, DURATION_S), [warmup]);
}

async function main(): Promise<number> {
  let environment: TestEnvironment | undefined;
  let crm: RunningService | undefined;
  let gateway: RunningService | undefined;
  let plain: { url: string; close(): Promise<void> } | undefined;
  try {
    environment = await createTestEnvironment('bench rpc');
    crm = await startTestService({ ...crmService, features: () => [BenchHandlersModule] }, environment);
    gateway = await startGateway(environment.env, { features: [{ module: class BenchGatewayModule {}, controllers: [BenchGatewayController] }] });
    plain = await startPlainFastify();

    // A wrong route or a failing handler would make a fast benchmark of 404s or 500s; check one answer first.
    for (const [label, url] of [
      ['gateway', gateway.url],
      ['plain', plain.url],
    ] as const) {
      const response = await fetch(url + PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      const answer = await response.text();
      if (response.status !== 200 || answer !== JSON.stringify({ ok: true, echo: JSON.parse(BODY) })) {
        throw new Error(`${label} answered ${response.status} ${answer}`);
      }
    }

    const viaGateway = await measure('gateway → NATS → crm', gateway.url);
    const baseline = await measure('plain Fastify', plain.url);

    const row = (label: string, m: Measured) =>
      `  ${label.padEnd(24)} ${fixed(m.requestsPerSecond, 0).padStart(8)} req/s   p50 ${fixed(m.p50Ms).padStart(6)} ms   p99 ${fixed(m.p99Ms).padStart(6)} ms   errors ${m.errors}  timeouts ${m.timeouts}  non-2xx ${m.non2xx}`;
    const ratios = {
      throughput: viaGateway.requestsPerSecond / baseline.requestsPerSecond,
      p50: viaGateway.p50Ms / baseline.p50Ms,
      p99: viaGateway.p99Ms / baseline.p99Ms,
    };
    print();
    print(`RPC round trip — POST ${PATH} ${BODY}, ${CONNECTIONS} connections, ${DURATION_S} s each after ${WARMUP_S} s warm-up`);
    print(row('gateway → NATS → crm', viaGateway));
    print(row('plain Fastify', baseline));
    print(`  ratio gateway ÷ plain: throughput ${fixed(ratios.throughput, 3)}   p50 latency ×${fixed(ratios.p50, 2)}   p99 latency ×${fixed(ratios.p99, 2)}`);
    print(
      `  note: gateway, crm service and the load generator share one process (load in a worker thread) and the ${availableParallelism()} cores of this machine with nats-server;` +
        ' the figures compare the two paths on the same machine, they are not capacity numbers.',
    );

    const failures = [viaGateway, baseline].reduce((sum, m) => sum + m.errors + m.timeouts + m.non2xx, 0);
    await saveResult('rpc-roundtrip', { connections: CONNECTIONS, durationS: DURATION_S, gateway: viaGateway, plain: baseline, ratios, failures });
    if (failures > 0) {
      print(`FAILED: ${failures} errors, timeouts or non-2xx answers; the figures above do not measure a working path.`);
      return 1;
    }
    return 0;
  } finally {
    await plain?.close();
    await gateway?.close();
    await crm?.close();
    await environment?.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rpc-roundtrip failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // exit() rather than exitCode: after a failure midway, open connections could keep the process alive.
    process.exit(1);
  },
);
