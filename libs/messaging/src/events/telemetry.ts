/** The part of a pino logger the events code uses; a pino Logger fits as it is. */
export interface EventsLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: EventsLogger = {
  info() {},
  warn() {},
  error() {},
};

/** A prom-client Gauge, or one of its labelled children (`gauge.labels({ consumer })`), fits. */
export interface GaugeLike {
  set(value: number): void;
}

/** A prom-client Counter, or one of its labelled children, fits. */
export interface CounterLike {
  inc(value?: number): void;
}

export interface EventsMetrics {
  /** Events committed to the outbox and not yet published. */
  outboxBacklog?: GaugeLike;
  /** Events a consumer gave up on and sent to its dead-letter subject. */
  deadLetters?: CounterLike;
  /** Events on the stream not yet delivered to a consumer. */
  consumerLag?: GaugeLike;
}
