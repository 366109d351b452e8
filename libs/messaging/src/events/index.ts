export { assertNamespace, subjectFor, type DomainEvent } from './event-envelope.js';
export { assertConsumerName, deadLetterStreamName, deadLetterSubject, ensureEventStream, eventStreamName, type EventRetention } from './stream.js';
export { messagingTablesSql, OutboxWriter, type NewDomainEvent, type OutboxWriterOptions, type PendingEvent } from './outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { DEAD_LETTER_HEADERS, EventConsumer, type EventConsumerOptions, type EventHandler, type HandledEvent, type StreamPosition } from './event-consumer.js';
export { silentLogger, type CounterLike, type EventsLogger, type EventsMetrics, type GaugeLike } from './telemetry.js';
