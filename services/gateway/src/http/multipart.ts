import { RpcError } from '@kinship/messaging';
import type { FastifyRequest } from 'fastify';

/** A file upload's body must be multipart/form-data: anything else is refused before it is read. */
export function requireMultipart(request: FastifyRequest): void {
  if (!request.isMultipart()) {
    throw new RpcError(415, 'unsupported_media_type', 'Send the file as multipart/form-data.', [
      { field: 'file', issue: 'is missing: the body is not multipart/form-data' },
    ]);
  }
}

/** busboy's own errors (no boundary, a body cut short, a bad part header) carry no code: the body is unreadable, the client's fault. */
export function unreadableBody(error: unknown): unknown {
  if (error instanceof RpcError || typeof (error as { code?: unknown }).code === 'string') return error;
  return new RpcError(400, 'malformed_multipart', 'The request body is not valid multipart/form-data.');
}

/** The parts of the request's multipart body, with reading errors said as a 400. */
export async function* multipartParts(request: FastifyRequest, options?: Parameters<FastifyRequest['parts']>[0]): ReturnType<FastifyRequest['parts']> {
  const parts = request.parts(options);
  for (;;) {
    const next = await parts.next().catch((error: unknown) => {
      throw unreadableBody(error);
    });
    if (next.done) return;
    yield next.value;
  }
}
