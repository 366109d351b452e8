import { randomUUID } from 'node:crypto';
import type { CrmStack } from './support.js';

// Rows the tasks, notes and timeline suites point at, written as the superuser so that these
// suites need neither the contacts, companies nor deals routes.

export async function insertContact(stack: CrmStack, workspaceId: string, fields: { deletedAt?: Date; companyId?: string } = {}): Promise<string> {
  const id = randomUUID();
  await stack.owner.query(
    `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, company_id, deleted_at) VALUES ($1, $2, 'Ada', 'Lovelace', $3, $4)`,
    [id, workspaceId, fields.companyId ?? null, fields.deletedAt ?? null],
  );
  return id;
}

export async function insertCompany(stack: CrmStack, workspaceId: string): Promise<string> {
  const id = randomUUID();
  await stack.owner.query(`INSERT INTO crm.companies (id, workspace_id, name) VALUES ($1, $2, 'Analytical Engines Ltd')`, [id, workspaceId]);
  return id;
}

/** A pipeline of three stages and a deal in the first, with the given contacts and company. */
export async function insertDeal(
  stack: CrmStack,
  workspaceId: string,
  links: { contactIds?: string[]; companyId?: string } = {},
): Promise<{ dealId: string; stageIds: string[] }> {
  const pipelineId = randomUUID();
  const dealId = randomUUID();
  const stageIds = [randomUUID(), randomUUID(), randomUUID()];
  await stack.owner.query(`INSERT INTO crm.pipelines (id, workspace_id, name) VALUES ($1, $2, $3)`, [
    pipelineId,
    workspaceId,
    `Pipeline ${pipelineId.slice(0, 8)}`,
  ]);
  const stages = [
    ['Qualification', 20, 'open'],
    ['Proposal', 60, 'open'],
    ['Won', 100, 'won'],
  ] as const;
  for (const [position, [name, probability, kind]] of stages.entries()) {
    await stack.owner.query(
      `INSERT INTO crm.pipeline_stages (id, workspace_id, pipeline_id, name, probability, position, kind) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [stageIds[position], workspaceId, pipelineId, name, probability, position, kind],
    );
  }
  await stack.owner.query(
    `INSERT INTO crm.deals (id, workspace_id, name, amount, currency, pipeline_id, stage_id, company_id) VALUES ($1, $2, 'Difference engine', 500000, 'GBP', $3, $4, $5)`,
    [dealId, workspaceId, pipelineId, stageIds[0], links.companyId ?? null],
  );
  for (const contactId of links.contactIds ?? []) {
    await stack.owner.query(`INSERT INTO crm.deal_contacts (workspace_id, deal_id, contact_id) VALUES ($1, $2, $3)`, [workspaceId, dealId, contactId]);
  }
  return { dealId, stageIds };
}

export async function insertStageChange(
  stack: CrmStack,
  workspaceId: string,
  dealId: string,
  from: string | null,
  to: string,
  changedAt: Date,
  changedBy: string | null = null,
): Promise<string> {
  const id = randomUUID();
  await stack.owner.query(
    `INSERT INTO crm.deal_stage_changes (id, workspace_id, deal_id, from_stage_id, to_stage_id, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, workspaceId, dealId, from, to, changedBy, changedAt],
  );
  return id;
}
