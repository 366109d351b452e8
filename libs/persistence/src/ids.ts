import { v7 as uuidv7, validate } from 'uuid';

/** Ids are UUIDv7: ordered by creation, so a list sorted by id is sorted by age. */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value);
}
