import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { fieldDecorator, IsCalendarDate } from '../fields.js';
import { defineOperation } from '../operation.js';
import { TICKET_PRIORITIES, type TicketPriority } from './tickets.js';

// SLA policies, the business-hours calendar and auto-assignment of tickets (issue 15 items 2 and 3).

/** A year of minutes: a longer target is a typo. */
export const SLA_MINUTES_MAX = 525_600;
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const HOLIDAYS_MAX = 366;
export const ASSIGNMENT_MODES = ['none', 'round_robin', 'least_open'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];
export const ASSIGNEES_MAX = 100;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export class SlaPolicyParams {
  @ApiProperty({ enum: TICKET_PRIORITIES }) @IsIn(TICKET_PRIORITIES) priority!: TicketPriority;
}

export class SlaPolicyBody {
  @ApiProperty({ minimum: 1, maximum: SLA_MINUTES_MAX, example: 60, description: 'Business minutes from opening to the first public reply of an agent.' })
  @IsInt()
  @Min(1)
  @Max(SLA_MINUTES_MAX)
  firstResponseMinutes!: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: SLA_MINUTES_MAX,
    description: 'Business minutes from a customer’s reply to the next public reply; null: none.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SLA_MINUTES_MAX)
  nextResponseMinutes?: number | null;

  @ApiProperty({
    minimum: 1,
    maximum: SLA_MINUTES_MAX,
    example: 480,
    description: 'Business minutes from opening to resolved, not counting the time spent pending.',
  })
  @IsInt()
  @Min(1)
  @Max(SLA_MINUTES_MAX)
  resolutionMinutes!: number;
}

export class SlaPolicy {
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority!: TicketPriority;
  @ApiProperty() firstResponseMinutes!: number;
  @ApiProperty({ type: Number, nullable: true }) nextResponseMinutes!: number | null;
  @ApiProperty() resolutionMinutes!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SlaPolicyList {
  @ApiProperty({ type: [SlaPolicy], description: 'One per priority that has a policy; a priority without one has no deadlines.' }) data!: SlaPolicy[];
}

export class WorkingDay {
  @ApiProperty({ enum: WEEKDAYS }) @IsIn(WEEKDAYS) day!: Weekday;
  @ApiProperty({ example: '09:00', description: 'HH:MM local time.' }) @Matches(CLOCK, { message: 'start must be a time HH:MM' }) start!: string;

  @ApiProperty({ example: '17:00', description: 'HH:MM local time, after start; 24:00 is the end of the day.' })
  @Matches(CLOCK, { message: 'end must be a time HH:MM' })
  @fieldDecorator(
    'isAfterStart',
    (property) => `${property} must be after start`,
    (value, object) => typeof value === 'string' && value > String((object as WorkingDay).start),
  )
  end!: string;
}

export class BusinessHoursBody {
  @ApiProperty({ example: 'Europe/Berlin', description: 'An IANA time zone.' })
  @fieldDecorator('isTimeZone', (property) => `${property} must be an IANA time zone, e.g. Europe/Berlin`, isTimeZone)
  timezone!: string;

  @ApiProperty({ type: [WorkingDay], maxItems: 7, description: 'Each working day once with its hours; days not listed are closed.' })
  @IsArray()
  @ArrayMaxSize(7)
  @ValidateNested({ each: true })
  @Type(() => WorkingDay)
  @fieldDecorator(
    'uniqueDays',
    (property) => `${property} must name each day at most once`,
    (value) => Array.isArray(value) && new Set(value.map((day: WorkingDay) => day?.day)).size === value.length,
  )
  days!: WorkingDay[];

  @ApiPropertyOptional({ type: [String], format: 'date', maxItems: HOLIDAYS_MAX, description: 'Closed dates (YYYY-MM-DD, local).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(HOLIDAYS_MAX)
  @IsCalendarDate({ each: true })
  holidays?: string[];
}

export class BusinessHours {
  @ApiProperty() timezone!: string;
  @ApiProperty({ type: [WorkingDay] }) days!: WorkingDay[];
  @ApiProperty({ type: [String], format: 'date' }) holidays!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null while the workspace keeps the default: every hour of every day, UTC.' })
  updatedAt!: string | null;
}

export class TicketSettingsBody {
  @ApiProperty({ enum: ASSIGNMENT_MODES, description: 'How a ticket opened without an assignee gets one.' })
  @IsIn(ASSIGNMENT_MODES)
  assignment!: AssignmentMode;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: ASSIGNEES_MAX,
    description: 'Active users of the workspace the tickets go to, in round-robin order (else 422).',
  })
  @IsArray()
  @ArrayMaxSize(ASSIGNEES_MAX)
  @IsUUID('all', { each: true })
  @fieldDecorator(
    'uniqueAssignees',
    (property) => `${property} must not name a user twice`,
    (value) => Array.isArray(value) && new Set(value).size === value.length,
  )
  assignees!: string[];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10_080,
    default: 30,
    description: 'How long before an SLA deadline ticket.sla_warning tells the assignee; 0: no warning.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_080)
  warningMinutes?: number;

  @ApiPropertyOptional({ default: true, description: 'Raise a ticket one priority level when its customer has an overdue invoice.' })
  @IsOptional()
  @IsBoolean()
  escalateOverdueInvoices?: boolean;
}

export class TicketSettings {
  @ApiProperty({ enum: ASSIGNMENT_MODES }) assignment!: AssignmentMode;
  @ApiProperty({ type: [String], format: 'uuid' }) assignees!: string[];
  @ApiProperty() warningMinutes!: number;
  @ApiProperty() escalateOverdueInvoices!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: string | null;
}

export const ListSlaPolicies = defineOperation({
  pattern: 'crm.sla-policies.list',
  summary: 'List the SLA policies',
  description: 'The workspace’s targets per ticket priority, in business minutes.',
  permission: 'tickets:read',
  route: { method: 'GET', path: 'sla-policies', status: 200 },
  output: SlaPolicyList,
  errors: [],
});

export const PutSlaPolicy = defineOperation({
  pattern: 'crm.sla-policies.put',
  summary: 'Set the SLA policy of a priority',
  description: 'Applies to tickets opened or reprioritised from now on; open tickets keep their deadlines.',
  permission: 'support-settings:manage',
  route: { method: 'PUT', path: 'sla-policies/:priority', status: 200 },
  params: SlaPolicyParams,
  input: SlaPolicyBody,
  output: SlaPolicy,
  errors: [],
});

export const DeleteSlaPolicy = defineOperation({
  pattern: 'crm.sla-policies.delete',
  summary: 'Remove the SLA policy of a priority',
  description: 'Tickets opened afterwards at this priority have no deadlines.',
  permission: 'support-settings:manage',
  route: { method: 'DELETE', path: 'sla-policies/:priority', status: 204 },
  params: SlaPolicyParams,
  errors: [{ status: 404, description: 'The priority has no policy.' }],
});

export const GetBusinessHours = defineOperation({
  pattern: 'crm.business-hours.get',
  summary: 'Read the business hours',
  description: 'The calendar SLA deadlines count in.',
  permission: 'tickets:read',
  route: { method: 'GET', path: 'business-hours', status: 200 },
  output: BusinessHours,
  errors: [],
});

export const PutBusinessHours = defineOperation({
  pattern: 'crm.business-hours.put',
  summary: 'Set the business hours',
  description: 'Working days with their hours, a time zone and holidays. Deadlines set from now on count in it.',
  permission: 'support-settings:manage',
  route: { method: 'PUT', path: 'business-hours', status: 200 },
  input: BusinessHoursBody,
  output: BusinessHours,
  errors: [{ status: 422, description: 'No working hours at all, a bad time zone, an end before its start; details name the field.' }],
});

export const GetTicketSettings = defineOperation({
  pattern: 'crm.ticket-settings.get',
  summary: 'Read the ticket settings',
  description: 'Auto-assignment, SLA warnings and overdue-invoice escalation.',
  permission: 'tickets:read',
  route: { method: 'GET', path: 'ticket-settings', status: 200 },
  output: TicketSettings,
  errors: [],
});

export const PutTicketSettings = defineOperation({
  pattern: 'crm.ticket-settings.put',
  summary: 'Set the ticket settings',
  description: 'round_robin takes the assignees in turn; least_open the one with the fewest new, open or pending tickets (the first listed on a tie).',
  permission: 'support-settings:manage',
  route: { method: 'PUT', path: 'ticket-settings', status: 200 },
  input: TicketSettingsBody,
  output: TicketSettings,
  errors: [{ status: 422, description: 'An assignee is no active user of the workspace, or a mode other than none has no assignees.' }],
});

export const SUPPORT_SETTINGS_OPERATIONS = [
  ListSlaPolicies,
  PutSlaPolicy,
  DeleteSlaPolicy,
  GetBusinessHours,
  PutBusinessHours,
  GetTicketSettings,
  PutTicketSettings,
] as const;

/** The calendar SLA deadlines count in. */
export type BusinessCalendar = Pick<BusinessHours, 'timezone' | 'days' | 'holidays'>;
