import { RpcError, type ErrorDetail } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import { checkFilterFields } from '../common/json-filter.js';
import type { ListFilter } from '../common/list-query.js';
import type { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import type { ExportedEntity } from './export-entities.js';

/** Paging of a list request, not conditions: an export takes every matching row in the list's order. */
const PAGING_KEYS = ['limit', 'cursor', 'sort'];
const MAX_CUSTOM_FIELD_CONDITIONS = 20;

/** An export's filter as stored: the list's conditions, `q` (its search) and `deleted` (the trash). */
export type ExportFilter = ListFilter & { q?: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function prefixed(error: unknown, prefix: string): ErrorDetail[] {
  if (!(error instanceof RpcError) || error.status !== 422) throw error;
  return error.details.map((detail) => ({ ...detail, field: detail.field ? `${prefix}.${detail.field}` : prefix }));
}

/**
 * Checks an export's filter with the DTO of GET /<entity>'s query, and its customFields against
 * the live definitions, so a filter means what it means on the list: every problem is a 422
 * naming `filter.<key>` (e.g. filter.lifecycleStage, filter.customFields.tier).
 */
export async function checkExportFilter(
  manager: EntityManager,
  customFields: CustomFieldValidator,
  workspaceId: string,
  entity: ExportedEntity,
  filter: unknown,
): Promise<ExportFilter> {
  if (filter === undefined || filter === null) return {};
  if (!isPlainObject(filter)) throw RpcError.validation([{ field: 'filter', issue: 'must be an object of list filters' }]);
  const problems: ErrorDetail[] = PAGING_KEYS.filter((key) => filter[key] !== undefined).map((key) => ({ field: `filter.${key}`, issue: 'is not a filter' }));
  const { customFields: customFieldConditions, ...conditions } = filter;
  const checked = await checkFilterFields(entity.filterQuery, conditions).catch((error: unknown) => {
    problems.push(...prefixed(error, 'filter'));
    return null;
  });
  let customFieldValues: Record<string, string | number | boolean> = {};
  if (customFieldConditions !== undefined) {
    const field = 'filter.customFields';
    if (!isPlainObject(customFieldConditions) || Object.keys(customFieldConditions).length > MAX_CUSTOM_FIELD_CONDITIONS) {
      problems.push({ field, issue: `must be an object of at most ${MAX_CUSTOM_FIELD_CONDITIONS} custom field values` });
    } else {
      const nulls = Object.keys(customFieldConditions).filter((key) => customFieldConditions[key] === null);
      problems.push(...nulls.map((key) => ({ field: `${field}.${key}`, issue: 'must be a value of the field' })));
      customFieldValues = await customFields.apply(manager, workspaceId, entity.customFieldEntity, {}, customFieldConditions).catch((error: unknown) => {
        problems.push(...prefixed(error, 'filter'));
        return {};
      });
    }
  }
  if (problems.length || !checked) throw RpcError.validation(problems);
  const stored: ExportFilter = Object.fromEntries(Object.entries(checked).filter(([, value]) => value !== undefined && value !== null));
  if (Object.keys(customFieldValues).length) stored.customFields = customFieldValues;
  return stored;
}
