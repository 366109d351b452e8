import { ApiError, messageOf } from './api-error';

/**
 * Puts the API's per-field issues at their inputs (`setFieldError`) and returns what is left to
 * say above the form: the message of an error that named no field of this form.
 */
export function applyApiError(error: unknown, fields: readonly string[], setFieldError: (field: string, issue: string) => void): string | null {
  if (!(error instanceof ApiError)) return messageOf(error);
  let placed = false;
  for (const detail of error.details) {
    if (detail.field && fields.includes(detail.field) && detail.issue) {
      setFieldError(detail.field, detail.issue);
      placed = true;
    }
  }
  return placed ? null : error.message;
}
