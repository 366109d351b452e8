import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MAX_INPUT_DEPTH } from '@kinship/messaging';
import type { RawServerDefault } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as received, kept only on routes that verify a signature over them. */
    rawBody?: Buffer;
  }
}

/** Routes whose senders sign the exact bytes of the body (Stripe's webhook). */
const RAW_BODY_PATHS: ReadonlySet<string> = new Set(['/api/v1/webhooks/stripe']);

/** The code of the parse error HttpErrorFilter answers as a 400 malformed_json. */
export const JSON_TOO_DEEP = 'KINSHIP_JSON_TOO_DEEP';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text opens more than `limit` objects and arrays inside one another, read byte by
 * byte outside strings (UTF-8 multi-byte characters hold no byte below 0x80, so none is mistaken).
 * Checked before parsing, so a body of 10,000 nested arrays is refused before anything recurses
 * through it (JSON.stringify, class-transformer and validators all would, and overflow the stack).
 */
export function nestsDeeperThan(json: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < json.length; index += 1) {
    const byte = json[index]!;
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * application/json bodies: Fastify's own parser (prototype poisoning refused, as before), after a
 * check that objects and arrays nest at most MAX_INPUT_DEPTH deep; a deeper body is a 400. A
 * signed webhook keeps its raw bytes too, since parsing and serializing again would change them.
 */
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    if (nestsDeeperThan(body, MAX_INPUT_DEPTH)) {
      done(
        Object.assign(new Error(`The request body nests objects or arrays deeper than ${MAX_INPUT_DEPTH} levels.`), { code: JSON_TOO_DEEP, statusCode: 400 }),
        undefined,
      );
      return;
    }
    if (RAW_BODY_PATHS.has(request.url.split('?')[0]!)) request.rawBody = body as unknown as Buffer;
    parseJson(request, body as unknown as string, done);
  });
}
