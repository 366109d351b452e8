/** The gateway's error envelope (docs/api.md): one shape for every 4xx and 5xx. */
export interface ApiErrorBody {
  error: { status: number; code: string; message: string; details?: Array<{ field?: string; issue?: string; existingId?: string }>; requestId?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ field?: string; issue?: string; existingId?: string }> = [],
  ) {
    super(message);
  }

  /** The first issue the API named for a field, for showing it at that input. */
  fieldIssue(field: string): string | undefined {
    return this.details.find((detail) => detail.field === field)?.issue;
  }
}

function isEnvelope(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && 'error' in body && typeof (body as ApiErrorBody).error?.message === 'string';
}

/** An ApiError from what openapi-fetch returned as `error` (the parsed body) and the response. */
export function toApiError(body: unknown, response: Response): ApiError {
  if (isEnvelope(body)) return new ApiError(body.error.status, body.error.code, body.error.message, body.error.details ?? []);
  return new ApiError(response.status, 'unexpected', `The server answered ${response.status}.`);
}

/** Unwraps an openapi-fetch result: the data, or an ApiError thrown for TanStack Query to show. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(error, response);
  return data as T;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
