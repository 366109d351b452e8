import { ClientNats, ServerNats, type NatsOptions, type WritePacket } from '@nestjs/microservices';

type NatsConnection = Parameters<ServerNats['bindEvents']>[0];
type Subscription = ReturnType<NatsConnection['subscribe']>;
type RequestArguments = Parameters<ServerNats['handleRequest']>;
type Options = NonNullable<NatsOptions['options']>;

/**
 * How every NATS connection of a process comes back after the server restarts: it keeps trying,
 * each second, for as long as it takes (the client's default gives up after 10 tries, 2 s apart,
 * and the process would then stay disconnected until restarted).
 */
export const NATS_RECONNECT = { maxReconnectAttempts: -1, reconnectTimeWait: 1000 } as const;

/**
 * Nest's NATS server, with two changes: every subject is prefixed with the deployment's
 * namespace (NATS_NAMESPACE), and close() stops taking requests and waits for the ones being
 * answered, instead of sleeping for a fixed grace period.
 */
export class NamespacedServerNats extends ServerNats {
  private readonly namespacedSubscriptions: Subscription[] = [];
  private readonly queue: string | undefined;
  private requestsInFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    options: Options,
    private readonly namespace: string,
    private readonly drainTimeoutMs: number,
  ) {
    super({ ...options, gracefulShutdown: false });
    this.queue = options.queue;
  }

  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const subscription = client.subscribe(this.namespace + channel, {
        queue: (handler.extras?.queue as string | undefined) ?? this.queue,
        callback: this.getMessageHandler(channel).bind(this),
      });
      this.namespacedSubscriptions.push(subscription);
    }
  }

  protected override handleRequest(...[context, produce, respond]: RequestArguments): void {
    this.requestsInFlight += 1;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.requestsInFlight -= 1;
      if (this.requestsInFlight === 0) this.idle?.();
    };
    super.handleRequest(
      context,
      async () => {
        try {
          return await produce();
        } catch (error) {
          finish();
          throw error;
        }
      },
      async (packet: WritePacket) => {
        try {
          return await respond(packet);
        } finally {
          if (packet.isDisposed || packet.err !== undefined) finish();
        }
      },
    );
  }

  override async close(): Promise<void> {
    for (const subscription of this.namespacedSubscriptions) subscription.unsubscribe();
    if (this.requestsInFlight > 0) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        setTimeout(resolve, this.drainTimeoutMs).unref();
      });
    }
    await super.close();
  }
}

/** Nest's NATS client, sending to the same namespaced subjects the servers listen on. */
export class NamespacedClientNats extends ClientNats {
  constructor(
    options: Options,
    private readonly namespace: string,
  ) {
    super(options);
  }

  protected override normalizePattern(pattern: Parameters<ClientNats['normalizePattern']>[0]): string {
    return this.namespace + super.normalizePattern(pattern);
  }
}
