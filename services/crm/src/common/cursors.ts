import { createHmac, timingSafeEqual } from 'node:crypto';
import { Global, Module, type Provider } from '@nestjs/common';
import { RpcError } from '@kinship/messaging';
import { InstallationSecrets } from '@kinship/platform';
import { CrmConfig } from '../crm.config.js';

/** HMAC-SHA256 truncated to 128 bits (RFC 2104 allows it), base64url: a cursor must fit the query string limits. */
const MAC_BYTES = 16;

/** What PostgreSQL prints for a timestamptz as text (DateStyle ISO), e.g. `2026-12-04 17:43:38.123456+00`. */
const POSTGRES_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

export function isPostgresTimestamp(value: unknown): value is string {
  return typeof value === 'string' && POSTGRES_TIMESTAMP.test(value);
}

/** 400 invalid_cursor, what every list of every service answers for a cursor it did not make. */
export function invalidCursor(): RpcError {
  return new RpcError(400, 'invalid_cursor', 'The cursor is not valid for this list; start again from the first page.', [
    { field: 'cursor', issue: 'is not a cursor of this list' },
  ]);
}

/**
 * The cursors of the crm's lists, timelines and duplicate groups: `<base64url JSON>.<MAC>`, the
 * MAC an HMAC-SHA256 of the list the cursor was made for and of the body, keyed by this
 * installation's cursor key. Cursors are not secret (they say where a page starts inside the
 * caller's own rows), but their fields reach SQL: a cursor this installation did not make for
 * this very list (same sort, filter, search, record), or one whose fields have the wrong shape,
 * is a 400 before anything is queried.
 */
export class CursorCodec {
  constructor(private readonly key: string) {}

  /** Keyed by CURSOR_SECRET when set, else by the installation's own generated key. */
  static readonly provider: Provider = {
    provide: CursorCodec,
    useFactory: async (config: CrmConfig, secrets: InstallationSecrets) => new CursorCodec(await secrets.obtain('CURSOR_SECRET', config.CURSOR_SECRET)),
    inject: [CrmConfig, InstallationSecrets],
  };

  /** `list` names what the cursor pages through, e.g. the list's sort and filter; it is signed, not carried. */
  encode(list: string, fields: object): string {
    const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
    return `${body}.${this.mac(list, body)}`;
  }

  /** The fields of a cursor made by `encode` for the same `list`, when `hasValidFields` accepts them; else 400 invalid_cursor. */
  decode<Fields>(list: string, cursor: string, hasValidFields: (fields: Record<string, unknown>) => boolean): Fields {
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined) throw invalidCursor();
    const given = Buffer.from(mac);
    const expected = Buffer.from(this.mac(list, body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || !hasValidFields(fields as Record<string, unknown>)) throw invalidCursor();
    return fields as Fields;
  }

  private mac(list: string, body: string): string {
    return createHmac('sha256', this.key).update(`${list}\n${body}`).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}

/** Gives every crm feature the CursorCodec. */
@Global()
@Module({ providers: [CursorCodec.provider], exports: [CursorCodec] })
export class CursorsModule {}
