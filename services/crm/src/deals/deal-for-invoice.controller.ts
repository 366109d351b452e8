import { Controller } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GetDealForInvoice, type CustomerRecord, type DealForInvoice } from '@kinship/contracts/crm';
import { callerWorkspace, Handles, RpcError, type OperationRequest } from '@kinship/messaging';
import { isUuid, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';

interface DealRow {
  id: string;
  name: string;
  amount: string;
  currency: string;
  company_id: string | null;
  company_name: string | null;
}

/**
 * crm.deals.for-invoice: what billing needs to invoice a deal. Only services call it, with their
 * caller's context (billing checked billing:write); it tells the caller a deal's amount and
 * customer, which any member who can bill could read anyway.
 */
@Controller()
export class DealForInvoiceController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Handles(GetDealForInvoice)
  async get({ context, data }: OperationRequest<typeof GetDealForInvoice>): Promise<DealForInvoice> {
    const workspaceId = callerWorkspace(context);
    if (!isUuid(data.dealId)) throw RpcError.notFound('Deal');
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const [deal] = (await manager.query(
        `SELECT d.id, d.name, d.amount, d.currency, c.id AS company_id, c.name AS company_name
         FROM crm.deals d LEFT JOIN crm.companies c ON c.workspace_id = d.workspace_id AND c.id = d.company_id AND c.deleted_at IS NULL
         WHERE d.workspace_id = $1 AND d.id = $2 AND d.deleted_at IS NULL`,
        [workspaceId, data.dealId],
      )) as DealRow[];
      if (!deal) throw RpcError.notFound('Deal');
      let customer: CustomerRecord | null = deal.company_id ? { type: 'company', id: deal.company_id, name: deal.company_name!, email: null } : null;
      if (!customer) {
        const [contact] = (await manager.query(
          `SELECT 'contact' AS type, c.id, coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email, 'Contact') AS name, c.email
           FROM crm.deal_contacts dc JOIN crm.contacts c ON c.workspace_id = dc.workspace_id AND c.id = dc.contact_id
           WHERE dc.workspace_id = $1 AND dc.deal_id = $2 AND c.deleted_at IS NULL AND c.merged_into_id IS NULL
           ORDER BY c.created_at, c.id LIMIT 1`,
          [workspaceId, data.dealId],
        )) as CustomerRecord[];
        customer = contact ?? null;
      }
      return { id: deal.id, name: deal.name, amount: Number(deal.amount), currency: deal.currency.trim(), customer };
    });
  }
}
