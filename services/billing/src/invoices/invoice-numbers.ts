import type { EntityManager } from 'typeorm';

/**
 * The next invoice number of a workspace and year, in the caller's transaction. The counter row
 * is locked by the upsert until that transaction ends, so concurrent finalizations queue on it
 * and each gets the next number; a finalization that rolls back gives its number back, so the
 * numbers that exist have no gaps.
 */
export async function nextInvoiceNumber(manager: EntityManager, workspaceId: string, year: number, prefix: string): Promise<string> {
  const [row] = (await manager.query(
    `INSERT INTO billing.invoice_number_sequences (workspace_id, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (workspace_id, year) DO UPDATE SET last_number = billing.invoice_number_sequences.last_number + 1
     RETURNING last_number`,
    [workspaceId, year],
  )) as Array<{ last_number: number }>;
  return `${prefix}-${year}-${String(row!.last_number).padStart(6, '0')}`;
}
