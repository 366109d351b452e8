import { JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { assertNamespace } from './event-envelope.js';

/** JetStream drops a second message with the same Nats-Msg-Id (the event id) within this window. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;
const CONSUMER_NAME = /^[A-Za-z0-9_-]+$/;

/** Stream names cannot contain dots: namespace `t_ab12.` gives prefix `t_ab12_`, no namespace none. */
function streamPrefix(namespace: string): string {
  return assertNamespace(namespace).replaceAll('.', '_');
}

export function eventStreamName(namespace: string): string {
  return `${streamPrefix(namespace)}KINSHIP_EVENTS`;
}

export function deadLetterStreamName(namespace: string): string {
  return `${streamPrefix(namespace)}KINSHIP_DEADLETTER`;
}

/** Names a durable consumer and a subject token at once, so it may hold no dot, space or wildcard. */
export function assertConsumerName(name: string): string {
  if (!CONSUMER_NAME.test(name)) throw new Error(`"${name}" is not a valid durable consumer name (letters, digits, "_" and "-")`);
  return name;
}

/** Where a consumer's poison events are kept: `${namespace}deadletter.<consumer>`. */
export function deadLetterSubject(namespace: string, consumer: string): string {
  return `${assertNamespace(namespace)}deadletter.${assertConsumerName(consumer)}`;
}

/** How long JetStream keeps events (EVENTS_MAX_AGE_DAYS, EVENTS_MAX_BYTES): the replay horizon (docs/events.md). */
export interface EventRetention {
  maxAgeDays: number;
  /** 0 for no size limit. */
  maxBytes: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Declares the events stream and the dead-letter stream of a namespace: adds them, or brings an
 * existing one's subjects, duplicate window and limits up to date. Safe to run on every start.
 * Dead letters are kept as long as events, with no size limit (there are few, and each matters).
 */
export async function ensureEventStream(jsm: JetStreamManager, namespace: string, retention: EventRetention): Promise<void> {
  const maxAge = nanos(retention.maxAgeDays * DAY_MS);
  await ensureStream(jsm, eventStreamName(namespace), {
    subjects: [`${assertNamespace(namespace)}events.>`],
    max_age: maxAge,
    max_bytes: retention.maxBytes || -1,
  });
  await ensureStream(jsm, deadLetterStreamName(namespace), { subjects: [`${namespace}deadletter.>`], max_age: maxAge, max_bytes: -1 });
}

async function ensureStream(jsm: JetStreamManager, name: string, limits: { subjects: string[]; max_age: number; max_bytes: number }): Promise<void> {
  const updatable = { ...limits, duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
  try {
    await jsm.streams.update(name, updatable);
    return;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
  }
  // Limits retention: the oldest events go once older than max_age or beyond max_bytes.
  await jsm.streams.add({ name, ...updatable, storage: StorageType.File, retention: RetentionPolicy.Limits });
}
