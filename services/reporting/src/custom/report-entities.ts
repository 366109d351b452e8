import type { ColumnType, CustomReportEntity } from '@kinship/contracts/reporting';
import type { ProjectionName } from '../projections/projection.js';

/** How a field may be used: number fields take sum and avg; date and time fields take intervals. number: any JSON number of a record's value. */
export type FieldKind = 'uuid' | 'text' | 'enum' | 'integer' | 'number' | 'money' | 'date' | 'datetime';

export interface FieldSpec {
  /** SQL over the entity's alias `r`; never built from input. */
  sql: string;
  kind: FieldKind;
  label: string;
  /** The values an enum field holds, to check a filter's value against. */
  values?: readonly string[];
  /** A money field's: the field holding its currency, which a sum must be grouped or filtered by. */
  currencyField?: string;
}

/** Fields named `<prefix>.<key>` whose values are a jsonb column's, by key. */
export interface JsonFields {
  /** The whole name; its group 1 is the key. */
  name: RegExp;
  column: string;
  /** How the names read in a problem, e.g. customFields.<key>. */
  hint: string;
}

export interface EntitySpec {
  table: string;
  /** Whose records they are, for members (who see their own only). */
  ownerSql: string;
  /** The projections whose freshness the answer states. */
  projections: ProjectionName[];
  /** The custom fields (deals, contacts) a query may name; null: none. */
  jsonFields: JsonFields | null;
  /** Whether the rows are of the custom object the query names (`object`, the column object_key), its fields typed by the object (RECORD_VALUE). */
  perObject: boolean;
  fields: Record<string, FieldSpec>;
}

/** A custom field's key as crm allows it (lowercase letters, digits, underscores). */
const CUSTOM_FIELDS: JsonFields = { name: /^customFields\.([a-z][a-z0-9_]{0,62})$/, column: 'r.custom_fields', hint: 'customFields.<key>' };
/** values.<key>: a custom object's field, its key as crm allows it (OBJECT_FIELD_KEY). */
export const RECORD_VALUE = /^values\.([a-z][A-Za-z0-9_]{0,62})$/;
/** A currency field's currency code (values.<key>.currency), to group or filter its amounts by. */
export const RECORD_CURRENCY = /^values\.([a-z][A-Za-z0-9_]{0,62})\.currency$/;

const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other'] as const;
const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const RELATED_TYPES = ['contact', 'company', 'deal'] as const;

/**
 * The whitelist of custom reports: per entity, the read model and the fields a query may name.
 * Only these strings reach SQL; every value a query gives is a parameter.
 */
export const REPORT_ENTITIES: Record<CustomReportEntity, EntitySpec> = {
  deals: {
    table: 'reporting.deals',
    ownerSql: 'r.owner_id',
    projections: ['deals'],
    jsonFields: CUSTOM_FIELDS,
    perObject: false,
    fields: {
      id: { sql: 'r.id', kind: 'uuid', label: 'Deal' },
      name: { sql: 'r.name', kind: 'text', label: 'Name' },
      pipelineId: { sql: 'r.pipeline_id', kind: 'uuid', label: 'Pipeline' },
      stageId: { sql: 'r.stage_id', kind: 'uuid', label: 'Stage' },
      amount: { sql: 'r.amount', kind: 'money', label: 'Amount', currencyField: 'currency' },
      currency: { sql: 'r.currency', kind: 'text', label: 'Currency' },
      ownerId: { sql: 'r.owner_id', kind: 'uuid', label: 'Owner' },
      companyId: { sql: 'r.company_id', kind: 'uuid', label: 'Company' },
      expectedCloseDate: { sql: 'r.expected_close_date', kind: 'date', label: 'Expected close' },
      status: { sql: 'r.status', kind: 'enum', label: 'Status', values: DEAL_STATUSES },
      closedAt: { sql: 'r.closed_at', kind: 'datetime', label: 'Closed' },
      lostReason: { sql: 'r.lost_reason', kind: 'text', label: 'Lost reason' },
      createdAt: { sql: 'r.created_at', kind: 'datetime', label: 'Created' },
    },
  },
  contacts: {
    table: 'reporting.contacts',
    ownerSql: 'r.owner_id',
    projections: ['contacts'],
    jsonFields: CUSTOM_FIELDS,
    perObject: false,
    fields: {
      id: { sql: 'r.id', kind: 'uuid', label: 'Contact' },
      lifecycleStage: { sql: 'r.lifecycle_stage', kind: 'enum', label: 'Lifecycle stage', values: LIFECYCLE_STAGES },
      leadSource: { sql: 'r.lead_source', kind: 'text', label: 'Lead source' },
      ownerId: { sql: 'r.owner_id', kind: 'uuid', label: 'Owner' },
      companyId: { sql: 'r.company_id', kind: 'uuid', label: 'Company' },
      customerSince: { sql: 'r.customer_since', kind: 'date', label: 'Customer since' },
      createdAt: { sql: 'r.created_at', kind: 'datetime', label: 'Created' },
    },
  },
  tasks: {
    table: 'reporting.tasks',
    ownerSql: 'r.assignee_id',
    projections: ['tasks'],
    jsonFields: null,
    perObject: false,
    fields: {
      id: { sql: 'r.id', kind: 'uuid', label: 'Task' },
      assigneeId: { sql: 'r.assignee_id', kind: 'uuid', label: 'Assignee' },
      status: { sql: 'r.status', kind: 'enum', label: 'Status', values: TASK_STATUSES },
      priority: { sql: 'r.priority', kind: 'enum', label: 'Priority', values: TASK_PRIORITIES },
      dueAt: { sql: 'r.due_at', kind: 'datetime', label: 'Due' },
      completedAt: { sql: 'r.completed_at', kind: 'datetime', label: 'Completed' },
      createdBy: { sql: 'r.created_by', kind: 'uuid', label: 'Created by' },
      relatedType: { sql: 'r.related_type', kind: 'enum', label: 'Related record type', values: RELATED_TYPES },
      relatedId: { sql: 'r.related_id', kind: 'uuid', label: 'Related record' },
      createdAt: { sql: 'r.created_at', kind: 'datetime', label: 'Created' },
    },
  },
  records: {
    table: 'reporting.object_records',
    // Records have no owner: a member's own are those they created.
    ownerSql: 'r.created_by',
    projections: ['records'],
    jsonFields: null,
    perObject: true,
    fields: {
      id: { sql: 'r.id', kind: 'uuid', label: 'Record' },
      createdBy: { sql: 'r.created_by', kind: 'uuid', label: 'Created by' },
      createdAt: { sql: 'r.created_at', kind: 'datetime', label: 'Created' },
    },
  },
};

/** The column type of a field's plain value. */
export function columnType(kind: FieldKind): ColumnType {
  switch (kind) {
    case 'uuid':
      return 'uuid';
    case 'integer':
    case 'money':
      return 'integer';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    default:
      return 'text';
  }
}
