import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SmsSettings, UpdateSmsSettingsBody } from '@kinship/contracts/notifications';
import { RpcError } from '@kinship/messaging';
import { violatesUnique, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import { SmsSettingsRepository, type SmsSettingsRecord } from './sms-settings.repository.js';

function toSettings(record: SmsSettingsRecord): SmsSettings {
  return {
    phoneNumber: record.phoneNumber,
    helpText: record.helpText,
    inboundTickets: record.inboundTickets,
    updatedAt: record.updatedAt?.toISOString() ?? null,
  };
}

/** The workspace's receiving number, HELP reply and inbound-ticket switch (admins). */
@Injectable()
export class SmsSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: SmsSettingsRepository,
  ) {}

  async get(workspaceId: string): Promise<SmsSettings> {
    return toSettings(await withWorkspace(this.dataSource, workspaceId, (manager) => this.settings.find(manager, workspaceId)));
  }

  async update(workspaceId: string, body: UpdateSmsSettingsBody): Promise<SmsSettings> {
    const values = { phoneNumber: body.phoneNumber, helpText: body.helpText?.trim() ?? null, inboundTickets: body.inboundTickets ?? false };
    let saved: SmsSettingsRecord | null;
    try {
      saved = await withWorkspace(this.dataSource, workspaceId, (manager) => this.settings.save(manager, workspaceId, values));
    } catch (error) {
      // Two workspaces claiming one number at once: the unique index decides.
      if (!violatesUnique(error, 'sms_settings_phone_number_key')) throw error;
      saved = null;
    }
    if (!saved)
      throw new RpcError(409, 'number_taken', 'Another workspace receives texts on this number.', [
        { field: 'phoneNumber', issue: 'is the receiving number of another workspace' },
      ]);
    return toSettings(saved);
  }
}
