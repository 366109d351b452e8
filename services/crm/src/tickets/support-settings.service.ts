import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  BusinessHours,
  BusinessHoursBody,
  SlaPolicy,
  SlaPolicyBody,
  SlaPolicyList,
  TicketPriority,
  TicketSettings,
  TicketSettingsBody,
} from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import { withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import type { CrmCaller } from '../common/crm-caller.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { DEFAULT_WARNING_MINUTES, SupportSettingsRepository } from './support-settings.repository.js';

/** GET/PUT /sla-policies, /business-hours and /ticket-settings. The caller's permission is checked by the controller. */
@Injectable()
export class SupportSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: SupportSettingsRepository,
    private readonly users: WorkspaceUsers,
  ) {}

  async policies(caller: CrmCaller): Promise<SlaPolicyList> {
    return { data: await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.settings.policies(manager, caller.workspaceId)) };
  }

  async putPolicy(caller: CrmCaller, priority: TicketPriority, body: SlaPolicyBody): Promise<SlaPolicy> {
    const targets = {
      firstResponseMinutes: body.firstResponseMinutes,
      nextResponseMinutes: body.nextResponseMinutes ?? null,
      resolutionMinutes: body.resolutionMinutes,
    };
    return withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.settings.putPolicy(manager, caller.workspaceId, priority, targets));
  }

  async deletePolicy(caller: CrmCaller, priority: TicketPriority): Promise<void> {
    const deleted = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.settings.deletePolicy(manager, caller.workspaceId, priority));
    if (!deleted) throw RpcError.notFound('SLA policy');
  }

  async businessHours(caller: CrmCaller): Promise<BusinessHours> {
    return withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.settings.businessHours(manager, caller.workspaceId));
  }

  /** A calendar without a working minute would put every deadline nowhere. */
  async putBusinessHours(caller: CrmCaller, body: BusinessHoursBody): Promise<BusinessHours> {
    if (body.days.length === 0) throw RpcError.validation([{ field: 'days', issue: 'must hold at least one working day' }]);
    const holidays = [...new Set(body.holidays ?? [])].sort();
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      await this.settings.putBusinessHours(manager, caller.workspaceId, {
        timezone: body.timezone,
        days: body.days.map(({ day, start, end }) => ({ day, start, end })),
        holidays,
      });
      return this.settings.businessHours(manager, caller.workspaceId);
    });
  }

  async ticketSettings(caller: CrmCaller): Promise<TicketSettings> {
    const settings = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.settings.settings(manager, caller.workspaceId));
    return {
      assignment: settings.assignment,
      assignees: settings.assignees,
      warningMinutes: settings.warningMinutes,
      escalateOverdueInvoices: settings.escalateOverdueInvoices,
      updatedAt: settings.updatedAt,
    };
  }

  async putTicketSettings(caller: CrmCaller, body: TicketSettingsBody): Promise<TicketSettings> {
    if (body.assignment !== 'none' && body.assignees.length === 0)
      throw RpcError.validation([{ field: 'assignees', issue: `must name at least one user for ${body.assignment}` }]);
    const active = new Set(await this.users.active(caller, body.assignees));
    const inactive = body.assignees.findIndex((id) => !active.has(id));
    if (inactive >= 0) throw RpcError.validation([{ field: `assignees.${inactive}`, issue: 'is not an active user of this workspace' }]);
    await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.settings.putSettings(manager, caller.workspaceId, {
        assignment: body.assignment,
        assignees: body.assignees,
        warningMinutes: body.warningMinutes ?? DEFAULT_WARNING_MINUTES,
        escalateOverdueInvoices: body.escalateOverdueInvoices ?? true,
      }),
    );
    return this.ticketSettings(caller);
  }
}
