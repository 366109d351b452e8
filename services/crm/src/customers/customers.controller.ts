import { Controller } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LookupCustomer, type CustomerRecord } from '@kinship/contracts/crm';
import { callerWorkspace, Handles, RpcError, type OperationRequest } from '@kinship/messaging';
import { isUuid, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';

/**
 * crm.customers.lookup: whether a contact or company is a live record of the caller's workspace,
 * with what other services print on what they address to it (billing's invoices). Only services
 * call it, with their own caller's context; it needs no crm permission, since it tells the
 * caller only what they already named.
 */
@Controller()
export class CustomersController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Handles(LookupCustomer)
  async lookup({ context, data }: OperationRequest<typeof LookupCustomer>): Promise<CustomerRecord> {
    const workspaceId = callerWorkspace(context);
    const id = data.contactId ?? data.companyId;
    const resource = data.contactId !== undefined ? 'Contact' : 'Company';
    if (!isUuid(id)) throw RpcError.notFound(resource);
    const [record] = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      data.contactId !== undefined
        ? (manager.query(
            `SELECT 'contact' AS type, id, coalesce(nullif(trim(concat_ws(' ', first_name, last_name)), ''), email, 'Contact') AS name, email
             FROM crm.contacts WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND merged_into_id IS NULL`,
            [workspaceId, id],
          ) as Promise<CustomerRecord[]>)
        : (manager.query(`SELECT 'company' AS type, id, name, NULL AS email FROM crm.companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`, [
            workspaceId,
            id,
          ]) as Promise<CustomerRecord[]>),
    );
    if (!record) throw RpcError.notFound(resource);
    return record;
  }
}
