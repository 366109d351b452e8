import { Injectable } from '@nestjs/common';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';

import {
  CUSTOM_FIELD_CONTAINS_MAX,
  isCustomFieldConditionShape,
  type CustomFieldCondition,
  type CustomFieldConditions,
  type CustomFieldEntity,
  type CustomFieldType,
} from '@kinship/contracts/crm';
import { isCalendarDate } from '@kinship/contracts';
export type CustomFieldValues = Record<string, string | number | boolean>;

interface Definition {
  key: string;
  type: CustomFieldType;
  options: string[];
}

const MAX_TEXT_LENGTH = 10_000;
/** Why a value does not fit its field's type, or null when it fits. */
function problemWith(definition: Definition, value: unknown): string | null {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH ? null : `must be text of at most ${MAX_TEXT_LENGTH} characters`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'date':
      return isCalendarDate(value) ? null : 'must be a date (YYYY-MM-DD)';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'select':
      return typeof value === 'string' && definition.options.includes(value) ? null : `must be one of ${definition.options.join(', ')}`;
  }
}

/** Why a bound of a {from, to} condition does not fit its field, or null when it fits. */
function boundProblem(type: CustomFieldType, bound: unknown): string | null {
  if (type === 'number') return typeof bound === 'number' && Number.isFinite(bound) ? null : 'from and to must be numbers';
  return isCalendarDate(bound) ? null : 'from and to must be dates (YYYY-MM-DD) that exist';
}

/**
 * Why a list filter's condition does not fit its field, or null when it fits: a value of the
 * field's type (equality), {contains} a text of a text field, {from, to} bounds of a number or a
 * date field in order.
 */
function conditionProblem(definition: Definition, condition: unknown): string | null {
  if (condition === null || !isCustomFieldConditionShape(condition)) return 'must be a value of the field, {contains} or {from, to}';
  if (typeof condition !== 'object') return problemWith(definition, condition);
  if ('contains' in condition) {
    if (definition.type !== 'text') return `{contains} applies to text fields, not ${definition.type}`;
    const text = condition.contains.trim();
    return text.length > 0 && text.length <= CUSTOM_FIELD_CONTAINS_MAX ? null : `contains must be a text of 1 to ${CUSTOM_FIELD_CONTAINS_MAX} characters`;
  }
  if (definition.type !== 'number' && definition.type !== 'date') return `{from, to} applies to number and date fields, not ${definition.type}`;
  const bounds = [condition.from, condition.to].filter((bound) => bound !== undefined);
  const problem = bounds.map((bound) => boundProblem(definition.type, bound)).find(Boolean);
  if (problem) return problem;
  // Dates as YYYY-MM-DD and numbers both compare in order.
  return condition.from !== undefined && condition.to !== undefined && condition.from > condition.to ? 'from must not be after to' : null;
}

/** A condition as the list's SQL reads it: a contains text trimmed, everything else as given. */
function normalised(condition: CustomFieldCondition): CustomFieldCondition {
  return typeof condition === 'object' && 'contains' in condition ? { contains: condition.contains.trim() } : condition;
}

/**
 * Checks custom field values against the workspace’s definitions on every write, and a list
 * filter’s conditions on them (checkConditions): a key that is not defined for the entity, or a
 * value of the wrong type, is a 422 naming `customFields.<key>`.
 */
@Injectable()
export class CustomFieldValidator {
  /**
   * A list filter's custom field conditions (GET /contacts?customFields=, a segment's, a view's or
   * an export's filter) checked against the live definitions: a key that is no live field of the
   * entity, or a condition its type does not take, is a 422 naming `customFields.<key>`.
   */
  async checkConditions(
    manager: EntityManager,
    workspaceId: string,
    entity: CustomFieldEntity,
    conditions: Record<string, unknown>,
  ): Promise<CustomFieldConditions> {
    const byKey = await this.definitions(manager, workspaceId, entity, Object.keys(conditions));
    const problems: ErrorDetail[] = [];
    const checked: CustomFieldConditions = {};
    for (const [key, condition] of Object.entries(conditions)) {
      const definition = byKey.get(key);
      const problem = definition ? conditionProblem(definition, condition) : `is not a custom field of ${entity} records`;
      if (problem) problems.push({ field: `customFields.${key}`, issue: problem });
      else checked[key] = normalised(condition as CustomFieldCondition);
    }
    if (problems.length) throw RpcError.validation(problems);
    return checked;
  }

  /**
   * The values to store after a write: `current` with `changes` applied, where null removes a
   * value. Only the changed keys are checked, so removing a definition does not block edits, and
   * null may clear the value of a deleted definition (what it leaves behind in records).
   */
  async apply(
    manager: EntityManager,
    workspaceId: string,
    entity: CustomFieldEntity,
    current: CustomFieldValues,
    changes: Record<string, unknown>,
  ): Promise<CustomFieldValues> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return current;
    const byKey = await this.definitions(manager, workspaceId, entity, keys);
    const problems: ErrorDetail[] = [];
    const result: CustomFieldValues = { ...current };
    for (const [key, value] of Object.entries(changes)) {
      const definition = byKey.get(key);
      if (value === null) {
        delete result[key];
      } else if (!definition) {
        problems.push({ field: `customFields.${key}`, issue: `is not a custom field of ${entity} records` });
      } else {
        const problem = problemWith(definition, value);
        if (problem) problems.push({ field: `customFields.${key}`, issue: problem });
        else result[key] = value as string | number | boolean;
      }
    }
    if (problems.length) throw RpcError.validation(problems);
    return result;
  }

  /** The live definitions of these keys, by key. */
  private async definitions(manager: EntityManager, workspaceId: string, entity: CustomFieldEntity, keys: string[]): Promise<Map<string, Definition>> {
    const definitions: Definition[] = await manager.query(
      `SELECT key, type, options FROM crm.custom_field_definitions
       WHERE workspace_id = $1 AND entity = $2 AND key = ANY($3::text[]) AND deleted_at IS NULL`,
      [workspaceId, entity, keys],
    );
    return new Map(definitions.map((definition) => [definition.key, definition]));
  }
}
