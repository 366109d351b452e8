import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError } from '@kinship/messaging';
import { withWorkspace } from '@kinship/persistence';
import { isSupportedCountry } from 'libphonenumber-js';
import type { DataSource } from 'typeorm';
import type { CrmSettingsBody } from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';

export interface CrmSettings {
  /** ISO 3166-1 alpha-2: how phone numbers typed without a country code are read. */
  defaultPhoneRegion: string;
}

/**
 * A workspace's crm settings (crm.workspace_settings). Read by whoever may read contacts, since
 * they explain how phone numbers are read; changed by admins. A workspace without a row has the
 * defaults.
 */
@Injectable()
export class CrmSettingsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(caller: CrmCaller): Promise<CrmSettings> {
    assertHolds(caller, 'contacts:read');
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => ({
      defaultPhoneRegion: await defaultPhoneRegion(manager, caller.workspaceId),
    }));
  }

  /** Numbers already stored stay as they are (E.164 carries its country); the region reads new input. */
  async update(caller: CrmCaller, input: CrmSettingsBody): Promise<CrmSettings> {
    assertHolds(caller, 'crm-settings:manage');
    const region = input.defaultPhoneRegion.toUpperCase();
    if (!isSupportedCountry(region)) {
      throw RpcError.validation([
        { field: 'defaultPhoneRegion', issue: 'must be an ISO 3166-1 alpha-2 country code with a phone numbering plan, e.g. US, GB, DE' },
      ]);
    }
    await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      manager.query(
        `INSERT INTO crm.workspace_settings (workspace_id, default_phone_region) VALUES ($1, $2)
         ON CONFLICT (workspace_id) DO UPDATE SET default_phone_region = EXCLUDED.default_phone_region, updated_at = now()`,
        [caller.workspaceId, region],
      ),
    );
    return { defaultPhoneRegion: region };
  }
}
