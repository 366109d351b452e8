import { Injectable } from '@nestjs/common';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';

import type { CustomFieldEntity, CustomFieldType } from '@kinship/contracts/crm';
export type CustomFieldValues = Record<string, string | number | boolean>;

interface Definition {
  key: string;
  type: CustomFieldType;
  options: string[];
}

const MAX_TEXT_LENGTH = 10_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return DATE.test(value) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** Why a value does not fit its field's type, or null when it fits. */
function problemWith(definition: Definition, value: unknown): string | null {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH ? null : `must be text of at most ${MAX_TEXT_LENGTH} characters`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'date':
      return typeof value === 'string' && isDate(value) ? null : 'must be a date (YYYY-MM-DD)';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'select':
      return typeof value === 'string' && definition.options.includes(value) ? null : `must be one of ${definition.options.join(', ')}`;
  }
}

/**
 * Checks custom field values against the workspace's definitions on every write: a key that is not
 * defined for the entity, or a value of the wrong type, is a 422 naming `customFields.<key>`.
 */
@Injectable()
export class CustomFieldValidator {
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
    const definitions: Definition[] = await manager.query(
      `SELECT key, type, options FROM crm.custom_field_definitions
       WHERE workspace_id = $1 AND entity = $2 AND key = ANY($3::text[]) AND deleted_at IS NULL`,
      [workspaceId, entity, keys],
    );
    const byKey = new Map(definitions.map((definition) => [definition.key, definition]));
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
}
