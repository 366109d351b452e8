/**
 * Publishes held until the event loop's check phase, then made together, in the order given. The
 * nats client writes its buffer to the socket once per microtask turn, and under load each request
 * (an HTTP request in the gateway, a database answer in a service) arrives in an I/O callback of
 * its own, so every publish was a socket write of its own; held here, the publishes of one poll
 * phase leave in one write. When a single request is in flight it waits for nothing: the check
 * phase follows its I/O callback directly.
 */
export class PublishBatch {
  private queued: Array<() => void> = [];

  /** `publish` runs after the current I/O callbacks; whatever it throws is its own to handle. */
  add(publish: () => void): void {
    if (this.queued.push(publish) === 1) setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    const publishes = this.queued;
    this.queued = [];
    for (const publish of publishes) publish();
  };
}
