import { createHash } from 'node:crypto';
import { RpcError } from '@kinship/messaging';
import type { RelatedRecord } from '../common/related-records.js';
import type { TimelinePosition } from './timeline.repository.js';

interface CursorPayload {
  t: string;
  i: string;
  k: string;
  /** The record whose timeline the cursor pages through. */
  s: string;
}

function digest(text: string): string {
  return createHash('sha256').update(`kinship-crm-timeline-cursor:${text}`).digest('base64url').slice(0, 16);
}

function subjectKey(subject: RelatedRecord): string {
  return `${subject.type}:${subject.id}`;
}

/** Like the list cursors (common/list-query.ts): not secret, but checked, so an altered one is a 400. */
export function encodeTimelineCursor(subject: RelatedRecord, position: TimelinePosition): string {
  const payload: CursorPayload = { t: position.occurredAt, i: position.id, k: position.kind, s: subjectKey(subject) };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${digest(body)}`;
}

export function decodeTimelineCursor(subject: RelatedRecord, cursor: string): TimelinePosition {
  const invalid = new RpcError(400, 'invalid_parameter', 'The cursor is not valid for this timeline; start again from the first page.', [
    { field: 'cursor', issue: 'is not a cursor of this timeline' },
  ]);
  const [body, mac, extra] = cursor.split('.');
  if (!body || !mac || extra !== undefined || digest(body) !== mac) throw invalid;
  let payload: Partial<CursorPayload>;
  try {
    payload = (JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) ?? {}) as Partial<CursorPayload>;
  } catch {
    throw invalid;
  }
  const { t, i, k, s } = payload;
  if (typeof t !== 'string' || typeof i !== 'string' || typeof k !== 'string' || s !== subjectKey(subject)) throw invalid;
  return { occurredAt: t, id: i, kind: k };
}
