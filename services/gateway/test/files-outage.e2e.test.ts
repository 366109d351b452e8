import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, serverUrls, startPrivateServers, startTestService, type PrivateServers, type TestEnvironment } from '@kinship/testing';
import pg from 'pg';
import { authService } from '../../auth/src/auth.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { startGateway } from '../src/gateway.js';

/**
 * The object store (NATS JetStream) goes away while an upload streams into it: the client gets a
 * 503 in the error envelope, and crm records no file. NATS is this suite's own (PostgreSQL and
 * Redis the shared ones), so stopping it disturbs no other suite.
 */
describe('files: the object store fails during an upload', () => {
  let servers: PrivateServers;
  let environment: TestEnvironment;
  const services: RunningService[] = [];
  let api: string;
  let root: string;

  beforeAll(async () => {
    servers = await startPrivateServers();
    environment = await createTestEnvironment('files-outage', { ...serverUrls(), nats: servers.urls.nats });
    const env = { RPC_TIMEOUT_MS: '3000' };
    services.push(await startTestService(authService, environment, env));
    services.push(await startTestService(crmService, environment, env));
    const gateway = await startGateway({ ...environment.env, ...env });
    services.push(gateway);
    root = gateway.url;
    api = `${gateway.url}/api/v1`;
  }, 120_000);

  afterAll(async () => {
    // Services still reconnecting to NATS would wait for it on close.
    for (let tries = 0; tries < 60 && (await fetch(`${root}/health`).catch(() => undefined))?.status !== 200; tries++) await sleep(500);
    for (const service of services.reverse()) await service.close().catch(() => undefined);
    await environment?.dispose().catch(() => undefined);
    await servers?.close();
  }, 120_000);

  it('answers 503 service_unavailable in the envelope and leaves no row', async () => {
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `outage-${randomBytes(4).toString('hex')}@example.com`,
        password: 'amber-cobalt-violin-meadow-4',
        name: 'O',
        workspaceName: 'Outage',
      }),
    });
    expect(registered.status).toBe(201);
    const { accessToken, workspace } = (await registered.json()) as { accessToken: string; workspace: { id: string } };

    const url = new URL(`${api}/files`);
    const boundary = 'kinship-outage-boundary';
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      request.on('error', reject);
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="outage.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      request.write(Buffer.alloc(256 * 1024, 5));
      // Once the gateway streams into the store (crm said yes), NATS stops; the rest of the file follows.
      void sleep(1000)
        .then(() => servers.stop('nats'))
        .then(() => {
          request.write(Buffer.alloc(1024 * 1024, 6));
          request.end(`\r\n--${boundary}--\r\n`);
        });
    });
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { status: 503, code: 'service_unavailable', requestId: expect.any(String) } });

    await servers.start('nats');
    const database = new pg.Client({ connectionString: environment.databaseUrl });
    await database.connect();
    try {
      const { rows } = await database.query('SELECT id FROM crm.files WHERE workspace_id = $1', [workspace.id]);
      expect(rows).toEqual([]);
    } finally {
      await database.end();
    }
  }, 60_000);
});
