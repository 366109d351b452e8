import type { EntityManager } from 'typeorm';

export const DEFAULT_PHONE_REGION = 'US';

/** The region that reads a phone number typed without a country code (ISO 3166-1 alpha-2). */
export async function defaultPhoneRegion(manager: EntityManager, workspaceId: string): Promise<string> {
  const rows: Array<{ region: string }> = await manager.query('SELECT default_phone_region AS region FROM crm.workspace_settings WHERE workspace_id = $1', [
    workspaceId,
  ]);
  return rows[0]?.region ?? DEFAULT_PHONE_REGION;
}
