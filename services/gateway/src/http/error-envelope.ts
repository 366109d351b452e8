import type { ErrorDetail } from '@kinship/messaging';

/** The body of every error response (API.md "Conventions"). */
export interface ErrorEnvelope {
  error: {
    status: number;
    code: string;
    message: string;
    details: ErrorDetail[];
    requestId: string;
  };
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'upstream_timeout',
};

export function codeForStatus(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

export function envelope(status: number, code: string, message: string, requestId: string, details: ErrorDetail[] = []): ErrorEnvelope {
  return { error: { status, code, message, details, requestId } };
}
