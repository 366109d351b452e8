import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from './api-error';
import { applyApiError } from './form-errors';

describe('API errors in forms', () => {
  it('puts each named field’s issue at its input and says nothing above the form', () => {
    const placed: Record<string, string> = {};
    const error = new ApiError(422, 'validation_failed', 'The request is not valid.', [
      { field: 'email', issue: 'email must be an email' },
      { field: 'password', issue: 'password is too short' },
    ]);
    expect(applyApiError(error, ['email', 'password'], (field, issue) => (placed[field] = issue))).toBeNull();
    expect(placed).toEqual({ email: 'email must be an email', password: 'password is too short' });
  });

  it('says the message above the form when no field of the form is named', () => {
    const error = new ApiError(401, 'invalid_credentials', 'The email or password is wrong.');
    expect(applyApiError(error, ['email'], () => undefined)).toBe('The email or password is wrong.');
  });

  it('reads the gateway’s envelope, and says the status of an answer that is not one', () => {
    const envelope = { error: { status: 409, code: 'conflict', message: 'Taken.', details: [{ field: 'email', existingId: 'c1' }] } };
    const error = toApiError(envelope, new Response(null, { status: 409 }));
    expect([error.status, error.code, error.message, error.details[0]?.existingId]).toEqual([409, 'conflict', 'Taken.', 'c1']);
    expect(toApiError('<html>', new Response(null, { status: 502 })).message).toBe('The server answered 502.');
  });
});
