import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface SmsSettingsRecord {
  phoneNumber: string | null;
  helpText: string | null;
  inboundTickets: boolean;
  updatedAt: Date | null;
}

const DEFAULTS: SmsSettingsRecord = { phoneNumber: null, helpText: null, inboundTickets: false, updatedAt: null };

/** notifications.sms_settings: one row per workspace that saved its SMS settings. */
@Injectable()
export class SmsSettingsRepository {
  async find(manager: EntityManager, workspaceId: string): Promise<SmsSettingsRecord> {
    const rows: SmsSettingsRecord[] = await manager.query(
      `SELECT phone_number AS "phoneNumber", help_text AS "helpText", inbound_tickets AS "inboundTickets", updated_at AS "updatedAt"
       FROM notifications.sms_settings WHERE workspace_id = $1`,
      [workspaceId],
    );
    return rows[0] ?? { ...DEFAULTS };
  }

  /** null when another workspace receives on this number. */
  async save(manager: EntityManager, workspaceId: string, settings: Omit<SmsSettingsRecord, 'updatedAt'>): Promise<SmsSettingsRecord | null> {
    // The number is unique across workspaces; the other workspace's row is hidden by RLS, so ask the owner's lookup.
    if (settings.phoneNumber) {
      const holder = await this.workspaceOfNumber(manager, settings.phoneNumber);
      if (holder && holder !== workspaceId) return null;
    }
    const rows: SmsSettingsRecord[] = await manager.query(
      `INSERT INTO notifications.sms_settings (workspace_id, phone_number, help_text, inbound_tickets) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id) DO UPDATE SET phone_number = EXCLUDED.phone_number, help_text = EXCLUDED.help_text, inbound_tickets = EXCLUDED.inbound_tickets, updated_at = now()
       RETURNING phone_number AS "phoneNumber", help_text AS "helpText", inbound_tickets AS "inboundTickets", updated_at AS "updatedAt"`,
      [workspaceId, settings.phoneNumber, settings.helpText, settings.inboundTickets],
    );
    return rows[0]!;
  }

  /** Which workspace receives texts on this number, whatever workspace the transaction is confined to. */
  async workspaceOfNumber(manager: EntityManager, phoneNumber: string): Promise<string | null> {
    const rows: Array<{ workspaceId: string | null }> = await manager.query(`SELECT notifications.sms_number_workspace($1) AS "workspaceId"`, [phoneNumber]);
    return rows[0]?.workspaceId ?? null;
  }
}
