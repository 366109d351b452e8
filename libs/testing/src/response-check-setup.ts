// Jest runs this file in every integration suite before its tests (setupFilesAfterEnv).
import { afterEach } from '@jest/globals';
import { ResponseCheck } from './openapi/response-check.js';

const check = new ResponseCheck(globalThis.fetch.bind(globalThis));
globalThis.fetch = check.fetch();

afterEach(() => {
  const mismatches = check.mismatches.splice(0);
  if (mismatches.length > 0) throw new Error(`Responses the OpenAPI document does not describe:\n${mismatches.join('\n')}`);
});
