import { describe, expect, it } from '@jest/globals';
import { IMPORTED_ENTITIES } from './import-entities.js';

describe('imported entities', () => {
  it.each(Object.values(IMPORTED_ENTITIES))('a new $recordType holds a value for every column an insert writes, so its row is what the database stores', (spec) => {
    const blank = spec.blank(null);
    for (const { field } of spec.columns) expect(blank[field]).not.toBeUndefined();
  });
});
