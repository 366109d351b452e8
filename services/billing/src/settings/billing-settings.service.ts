import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DEFAULT_INVOICE_PREFIX, type BillingSettings, type BillingSettingsBody } from '@kinship/contracts/billing';
import { withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';

interface SettingsRow {
  legal_name: string | null;
  address: string | null;
  tax_id: string | null;
  invoice_prefix: string;
  payment_instructions: string | null;
}

function toSettings(row: SettingsRow | undefined): BillingSettings {
  return {
    legalName: row?.legal_name ?? null,
    address: row?.address ?? null,
    taxId: row?.tax_id ?? null,
    invoicePrefix: row?.invoice_prefix ?? DEFAULT_INVOICE_PREFIX,
    paymentInstructions: row?.payment_instructions ?? null,
  };
}

/** The workspace's billing settings: one row, written by the first PUT; defaults until then. */
@Injectable()
export class BillingSettingsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(caller: BillingCaller): Promise<BillingSettings> {
    return withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.read(manager, caller.workspaceId));
  }

  async replace(caller: BillingCaller, input: BillingSettingsBody): Promise<BillingSettings> {
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const [row] = (await manager.query(
        `INSERT INTO billing.settings (workspace_id, legal_name, address, tax_id, invoice_prefix, payment_instructions)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace_id) DO UPDATE SET legal_name = $2, address = $3, tax_id = $4, invoice_prefix = $5, payment_instructions = $6, updated_at = now()
         RETURNING legal_name, address, tax_id, invoice_prefix, payment_instructions`,
        [
          caller.workspaceId,
          input.legalName ?? null,
          input.address ?? null,
          input.taxId ?? null,
          input.invoicePrefix ?? DEFAULT_INVOICE_PREFIX,
          input.paymentInstructions ?? null,
        ],
      )) as SettingsRow[];
      return toSettings(row);
    });
  }

  /** The settings as a transaction of this workspace sees them (finalization reads the prefix here). */
  async read(manager: EntityManager, workspaceId: string): Promise<BillingSettings> {
    const rows = (await manager.query(
      `SELECT legal_name, address, tax_id, invoice_prefix, payment_instructions FROM billing.settings WHERE workspace_id = $1`,
      [workspaceId],
    )) as SettingsRow[];
    return toSettings(rows[0]);
  }
}
