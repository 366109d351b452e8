/** One problem with one input field, as the error envelope lists it. */
export interface ErrorDetail {
  field?: string;
  issue: string;
  [key: string]: unknown;
}

/** What crosses the wire when a request fails, and what the gateway turns into the HTTP error envelope. */
export interface RpcErrorPayload {
  status: number;
  code: string;
  message: string;
  details: ErrorDetail[];
}

/** A failure with an HTTP meaning, thrown by a use case and carried to the client as is. */
export class RpcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'RpcError';
  }

  static badRequest(message: string, details: ErrorDetail[] = []): RpcError {
    return new RpcError(400, 'bad_request', message, details);
  }
  static forbidden(message = 'You are not allowed to do this.'): RpcError {
    return new RpcError(403, 'forbidden', message);
  }
  static notFound(resource: string): RpcError {
    return new RpcError(404, 'not_found', `${resource} not found.`);
  }
  static conflict(message: string, details: ErrorDetail[] = []): RpcError {
    return new RpcError(409, 'conflict', message, details);
  }
  static validation(details: ErrorDetail[]): RpcError {
    return new RpcError(422, 'validation_failed', 'The request is not valid.', details);
  }
  static unavailable(message: string): RpcError {
    return new RpcError(503, 'service_unavailable', message);
  }
  static timeout(message: string): RpcError {
    return new RpcError(504, 'upstream_timeout', message);
  }

  toPayload(): RpcErrorPayload {
    return { status: this.status, code: this.code, message: this.message, details: this.details };
  }

  /** Recognises a payload that came back over the wire. */
  static isPayload(value: unknown): value is RpcErrorPayload {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as Partial<RpcErrorPayload>;
    return typeof candidate.status === 'number' && typeof candidate.code === 'string' && typeof candidate.message === 'string';
  }

  static fromPayload(payload: RpcErrorPayload): RpcError {
    return new RpcError(payload.status, payload.code, payload.message, payload.details ?? []);
  }
}

export const INTERNAL_ERROR: RpcErrorPayload = {
  status: 500,
  code: 'internal_error',
  message: 'Something went wrong on our side. Quote the request id if you contact support.',
  details: [],
};
