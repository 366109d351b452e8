import { Injectable } from '@nestjs/common';
import type { InvoiceLineBody, InvoiceSchedule, PaymentTerms, ScheduleInterval } from '@kinship/contracts/billing';
import type { PagePosition } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';

export interface ScheduleRow {
  id: string;
  workspace_id: string;
  customer_contact_id: string | null;
  customer_company_id: string | null;
  customer_name: string;
  billing_email: string | null;
  currency: string;
  payment_terms: PaymentTerms;
  lines: InvoiceLineBody[];
  interval: ScheduleInterval;
  start_date: string;
  end_date: string | null;
  auto_finalize: boolean;
  auto_send: boolean;
  next_period_index: number;
  next_period_start: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns a create or change writes. */
export interface ScheduleToWrite {
  customerContactId: string | null;
  customerCompanyId: string | null;
  customerName: string;
  billingEmail: string | null;
  currency: string;
  paymentTerms: PaymentTerms;
  lines: InvoiceLineBody[];
  endDate: string | null;
  autoFinalize: boolean;
  autoSend: boolean;
  nextPeriodStart: string | null;
}

export interface RunRow {
  schedule_id: string;
  period_start: string;
  period_index: number;
  invoice_id: string;
  sent_at: Date | null;
  completed_at: Date | null;
}

// Dates leave PostgreSQL as text (see invoices.repository.ts).
const COLUMNS = `id, workspace_id, customer_contact_id, customer_company_id, customer_name, billing_email, currency, payment_terms, lines, interval,
  start_date::text AS start_date, end_date::text AS end_date, auto_finalize, auto_send, next_period_index, next_period_start::text AS next_period_start,
  created_at, updated_at`;
const RUN_COLUMNS = 'schedule_id, period_start::text AS period_start, period_index, invoice_id, sent_at, completed_at';

export function toSchedule(row: ScheduleRow): InvoiceSchedule {
  return {
    id: row.id,
    customer: { contactId: row.customer_contact_id, companyId: row.customer_company_id, name: row.customer_name },
    currency: row.currency,
    lines: row.lines.map((line) => ({
      productId: line.productId ?? null,
      description: line.description ?? null,
      quantity: line.quantity,
      unitPrice: line.unitPrice ?? null,
      taxRate: line.taxRate ?? null,
    })),
    interval: row.interval,
    startDate: row.start_date,
    endDate: row.end_date,
    autoFinalize: row.auto_finalize,
    autoSend: row.auto_send,
    billingEmail: row.billing_email,
    paymentTerms: row.payment_terms,
    nextPeriodStart: row.next_period_start,
    periodsInvoiced: row.next_period_index,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function values(schedule: ScheduleToWrite): unknown[] {
  return [
    schedule.customerContactId,
    schedule.customerCompanyId,
    schedule.customerName,
    schedule.billingEmail,
    schedule.currency,
    schedule.paymentTerms,
    JSON.stringify(schedule.lines),
    schedule.endDate,
    schedule.autoFinalize,
    schedule.autoSend,
    schedule.nextPeriodStart,
  ];
}

/** billing.invoice_schedules and their runs; every query is scoped by workspace (and row-level security). */
@Injectable()
export class InvoiceSchedulesRepository {
  async insert(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    interval: ScheduleInterval,
    startDate: string,
    schedule: ScheduleToWrite,
  ): Promise<ScheduleRow> {
    const [row] = (await manager.query(
      `INSERT INTO billing.invoice_schedules (id, workspace_id, interval, start_date, customer_contact_id, customer_company_id, customer_name, billing_email, currency,
         payment_terms, lines, end_date, auto_finalize, auto_send, next_period_start)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING ${COLUMNS}`,
      [id, workspaceId, interval, startDate, ...values(schedule)],
    )) as ScheduleRow[];
    return row!;
  }

  async update(manager: EntityManager, workspaceId: string, id: string, schedule: ScheduleToWrite): Promise<ScheduleRow> {
    const [rows] = (await manager.query(
      `UPDATE billing.invoice_schedules SET customer_contact_id = $3, customer_company_id = $4, customer_name = $5, billing_email = $6, currency = $7,
         payment_terms = $8, lines = $9, end_date = $10, auto_finalize = $11, auto_send = $12, next_period_start = $13, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      [workspaceId, id, ...values(schedule)],
    )) as [ScheduleRow[], number];
    return rows[0]!;
  }

  async find(manager: EntityManager, workspaceId: string, id: string, forUpdate = false): Promise<ScheduleRow | null> {
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM billing.invoice_schedules WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL${forUpdate ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    )) as ScheduleRow[];
    return rows[0] ?? null;
  }

  async list(manager: EntityManager, workspaceId: string, position: PagePosition): Promise<ScheduleRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM billing.invoice_schedules WHERE workspace_id = $1 AND deleted_at IS NULL AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [workspaceId, position.afterId, position.limit + 1],
    ) as Promise<ScheduleRow[]>;
  }

  async softDelete(manager: EntityManager, workspaceId: string, id: string): Promise<boolean> {
    const [, count] = (await manager.query(
      `UPDATE billing.invoice_schedules SET deleted_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [workspaceId, id],
    )) as [unknown, number];
    return count > 0;
  }

  /** Claims the period (a second claim finds the first) and answers the run, with the invoice id it names. */
  async claimRun(manager: EntityManager, workspaceId: string, schedule: ScheduleRow, invoiceId: string): Promise<RunRow> {
    await manager.query(
      `INSERT INTO billing.invoice_schedule_runs (workspace_id, schedule_id, period_start, period_index, invoice_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (schedule_id, period_start) DO NOTHING`,
      [workspaceId, schedule.id, schedule.next_period_start, schedule.next_period_index, invoiceId],
    );
    const [run] = (await manager.query(
      `SELECT ${RUN_COLUMNS} FROM billing.invoice_schedule_runs WHERE workspace_id = $1 AND schedule_id = $2 AND period_start = $3`,
      [workspaceId, schedule.id, schedule.next_period_start],
    )) as RunRow[];
    return run!;
  }

  /** Records the run's one send; false when it was sent already. */
  async markSent(manager: EntityManager, workspaceId: string, run: RunRow): Promise<boolean> {
    const [, count] = (await manager.query(
      `UPDATE billing.invoice_schedule_runs SET sent_at = now() WHERE workspace_id = $1 AND schedule_id = $2 AND period_start = $3 AND sent_at IS NULL`,
      [workspaceId, run.schedule_id, run.period_start],
    )) as [unknown, number];
    return count > 0;
  }

  /** Marks the run done and moves the schedule to the next period, unless another run moved it already. */
  async complete(manager: EntityManager, workspaceId: string, run: RunRow, nextStart: string | null): Promise<void> {
    await manager.query(
      `UPDATE billing.invoice_schedule_runs SET completed_at = coalesce(completed_at, now()) WHERE workspace_id = $1 AND schedule_id = $2 AND period_start = $3`,
      [workspaceId, run.schedule_id, run.period_start],
    );
    await manager.query(
      `UPDATE billing.invoice_schedules SET next_period_index = $4, next_period_start = $5, updated_at = now() WHERE workspace_id = $1 AND id = $2 AND next_period_index = $3`,
      [workspaceId, run.schedule_id, run.period_index, run.period_index + 1, nextStart],
    );
  }
}
