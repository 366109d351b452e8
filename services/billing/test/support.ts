import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { AnyOperation, Role } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { postgresOptions } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { CompaniesService } from '../../crm/src/companies/companies.service.js';
import { ContactsService } from '../../crm/src/contacts/contacts.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { billingService } from '../src/billing.service.js';
import { billingCaller, type BillingCaller } from '../src/common/billing-caller.js';

/**
 * The middle tier (issue 11, item 4): billing's use cases called in-process against real
 * PostgreSQL, with a real crm service answering over NATS, and no gateway. The HTTP suite
 * (services/gateway/test/billing.e2e.test.ts) keeps what only HTTP shows.
 */
export interface BillingStack {
  environment: TestEnvironment;
  crm: RunningService;
  billing: RunningService;
  /** The superuser that ran the migrations (row-level security does not bind it), to look behind the service. */
  owner: DataSource;
  close(): Promise<void>;
}

/** `billingEnv` adds to billing's environment (Stripe's keys and API base, say). */
export async function startBillingStack(suite: string, billingEnv: Record<string, string> = {}): Promise<BillingStack> {
  const environment = await createTestEnvironment(suite);
  const crm = await startTestService(crmService, environment);
  const billing = await startTestService(billingService, environment, billingEnv);
  const owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'billing', poolSize: 2 }));
  await owner.initialize();
  return {
    environment,
    crm,
    billing,
    owner,
    async close() {
      await billing.close();
      await crm.close();
      await owner.destroy();
      await environment.dispose();
    },
  };
}

/** A user of a fresh (or the given) workspace, as the gateway would describe them to the services. */
export function userContext(role: Role = 'owner', workspaceId: string = randomUUID()): RequestContext {
  return { workspaceId, userId: randomUUID(), role, scopes: [], requestId: randomUUID() };
}

/** The caller of an operation, as billing's handlers make it. */
export function callerOf(context: RequestContext, operation: AnyOperation): BillingCaller {
  return billingCaller(context, operation);
}

/** A live crm contact of the context's workspace. */
export async function createContact(stack: BillingStack, context: RequestContext, firstName = 'Ada', email = `${randomUUID()}@example.com`): Promise<string> {
  const contacts = stack.crm.app.get(ContactsService);
  const contact = await contacts.create(
    { workspaceId: context.workspaceId!, userId: context.userId, role: 'owner', scopes: [] },
    { firstName, lastName: 'Lovelace', email },
  );
  return contact.id;
}

export async function createCompany(stack: BillingStack, context: RequestContext, name = 'Analytical Engines Ltd'): Promise<string> {
  const companies = stack.crm.app.get(CompaniesService);
  const company = await companies.create({ workspaceId: context.workspaceId!, userId: context.userId, role: 'owner', scopes: [] }, { name });
  return company.id;
}

/** The RpcError the work fails with (a test fails when it succeeds). */
export async function failure(work: Promise<unknown>): Promise<RpcError> {
  const outcome = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(RpcError);
  return outcome as RpcError;
}

/** Expects an RpcError of this status naming `field` among its details. */
export async function expectRefused(work: Promise<unknown>, status: number, field?: string): Promise<RpcError> {
  const error = await failure(work);
  expect(error.status).toBe(status);
  if (field) expect(error.details.map((detail) => detail.field)).toContain(field);
  return error;
}
