import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventStreamName, type DomainEvent } from '@kinship/messaging';

/** One message of the events stream: its sequence, its subject without the namespace, the event. */
export interface StreamEvent {
  sequence: number;
  subject: string;
  event: DomainEvent;
}

/** The last sequence the events stream holds now (0 when empty). */
export async function lastSequence(nats: NatsConnection, namespace: string): Promise<number> {
  const info = await (await jetstreamManager(nats)).streams.info(eventStreamName(namespace));
  return info.state.last_seq;
}

/**
 * Reads the events stream from `from` through `to` (sequences, both included) with an ordered
 * consumer, handing each message to `handle` in stream order.
 */
export async function replayStream(
  nats: NatsConnection,
  namespace: string,
  from: number,
  to: number,
  handle: (message: StreamEvent) => Promise<void>,
): Promise<void> {
  if (from > to) return;
  const consumer = await jetstream(nats).consumers.get(eventStreamName(namespace), { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
  const messages = await consumer.consume();
  try {
    for await (const message of messages) {
      await handle({ sequence: message.seq, subject: message.subject.slice(namespace.length), event: message.json<DomainEvent>() });
      // pending 0: nothing after it on the stream now (a message up to `to` may have aged out).
      if (message.seq >= to || message.info.pending === 0) break;
    }
  } finally {
    await messages.close();
  }
}

/** Whether a subject matches a NATS filter (`*` one token, `>` the rest). */
export function subjectMatches(filter: string, subject: string): boolean {
  const filterTokens = filter.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < filterTokens.length; index++) {
    if (filterTokens[index] === '>') return subjectTokens.length > index;
    if (index >= subjectTokens.length || (filterTokens[index] !== '*' && filterTokens[index] !== subjectTokens[index])) return false;
  }
  return filterTokens.length === subjectTokens.length;
}
