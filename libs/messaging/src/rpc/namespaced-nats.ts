import { randomBytes } from 'node:crypto';
import { connect, createInbox, type Msg, type NatsConnection as NatsClientConnection } from '@nats-io/transport-node';
import type { Type } from '@nestjs/common';
import { ServerNats, type NatsOptions, type WritePacket } from '@nestjs/microservices';
import type { Logger, ServiceMetrics } from '@kinship/observability';
import { directHandler, HANDLED_METHOD, type DirectHandler, type HandledMethod } from './direct-handler.js';
import { PublishBatch } from './publish-batch.js';
import { RpcError } from './rpc-error.js';
import { answerRequest } from './rpc-server.js';

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

/** What a server needs to answer `@Handles` methods itself: their controllers' instances, and the logger and metrics of the service. */
export interface DirectAnswering {
  resolve(controller: Type): object;
  logger: Logger;
  metrics: ServiceMetrics;
}

/**
 * Nest's NATS server, with three changes: every subject is prefixed with the deployment's
 * namespace (NATS_NAMESPACE); a `@Handles` method is called straight from its subscription
 * (directHandler), without Nest's context creator, RxJS streams, interceptor and filter, doing
 * what RpcContextInterceptor and RpcErrorFilter do (answerRequest) and replying in Nest's wire
 * format; and close() stops taking requests and waits for the ones being answered, instead of
 * sleeping for a fixed grace period. Any other handler goes through Nest's pipeline as before.
 */
export class NamespacedServerNats extends ServerNats {
  private readonly namespacedSubscriptions: Subscription[] = [];
  private readonly queue: string | undefined;
  private requestsInFlight = 0;
  private idle: (() => void) | undefined;
  private readonly replies = new PublishBatch();

  constructor(
    options: Options,
    private readonly namespace: string,
    private readonly drainTimeoutMs: number,
    private readonly direct: DirectAnswering,
  ) {
    super({ ...options, gracefulShutdown: false });
    this.queue = options.queue;
  }

  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const answer = this.directHandlerOf(handler.extras);
      const subscription = client.subscribe(this.namespace + channel, {
        queue: (handler.extras?.queue as string | undefined) ?? this.queue,
        callback: answer
          ? (error: Error | null, message: Msg) => this.answerDirectly(channel, answer, error, message)
          : this.getMessageHandler(channel).bind(this),
      });
      this.namespacedSubscriptions.push(subscription);
    }
  }

  /**
   * The handler of a subject this server subscribed itself. Nest's own lookup first tries
   * JSON.parse on the subject, which throws (and builds a stack trace) for every plain one.
   */
  override getHandlerByPattern(pattern: string): ReturnType<ServerNats['getHandlerByPattern']> {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  protected override handleRequest(...[context, produce, respond]: RequestArguments): void {
    const finish = this.startRequest();
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

  private directHandlerOf(extras: Record<string, unknown> | undefined): DirectHandler | undefined {
    const handled = extras?.[HANDLED_METHOD] as HandledMethod | undefined;
    return handled && directHandler(handled, this.direct.resolve(handled.controller));
  }

  private answerDirectly(pattern: string, answer: DirectHandler, error: Error | null, message: Msg): void {
    if (error) {
      this.logger.error(error);
      return;
    }
    const finish = this.startRequest();
    const failed = (failure: unknown) => this.direct.logger.error({ err: failure }, 'a reply could not be sent');
    // The request stays in flight until its reply is out, so close() does not drain the connection before it.
    void this.replyOf(pattern, answer, message).then(
      (reply) =>
        this.replies.add(() => {
          try {
            if (message.reply) message.respond(reply);
          } catch (failure) {
            failed(failure);
          } finally {
            finish();
          }
        }),
      (failure: unknown) => {
        failed(failure);
        finish();
      },
    );
  }

  /** Nest's reply packet, its keys in Nest's order: `{response, isDisposed, id}` or `{err, isDisposed, id}`. */
  private async replyOf(pattern: string, answer: DirectHandler, message: Msg): Promise<string> {
    let packet: { id?: unknown; data?: unknown };
    try {
      packet = message.json();
    } catch {
      return JSON.stringify({ err: RpcError.badRequest('The request is not JSON.').toPayload(), isDisposed: true });
    }
    const outcome = await answerRequest(pattern, packet.data, () => answer(packet.data), this.direct);
    return JSON.stringify({ ...outcome, isDisposed: true, id: packet.id });
  }

  /** Counts a request in flight until the returned function is called (once is enough). */
  private startRequest(): () => void {
    this.requestsInFlight += 1;
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.requestsInFlight -= 1;
      if (this.requestsInFlight === 0) this.idle?.();
    };
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

/** What the request failed on, for ServiceClient to turn into an RpcError. */
export type RequestFailure = { kind: 'timeout' } | { kind: 'unavailable' } | { kind: 'error'; error: unknown };

export class RequestFailed extends Error {
  constructor(readonly failure: RequestFailure) {
    super(failure.kind);
  }
}

interface ReplyPacket {
  response?: unknown;
  err?: unknown;
}

interface Connected {
  connection: NatsClientConnection;
  /** The prefix of the subjects this connection's replies come to. */
  inbox: string;
}

interface WaitingRequest {
  resolve(reply: Msg): void;
  reject(failure: RequestFailed): void;
  timer: NodeJS.Timeout;
}

/** How a successful reply starts: `response` is the first key both servers write. */
const RESPONSE_PREFIX = '{"response":';

function answerOf(reply: Msg): ReplyPacket {
  const answer = reply.json<ReplyPacket>();
  if (answer.err !== undefined && answer.err !== null) throw new RequestFailed({ kind: 'error', error: answer.err });
  return answer;
}

/**
 * Sends requests to the namespaced subjects Nest's servers (NamespacedServerNats) listen on, in
 * Nest's wire format (`{pattern, data, id}` out, `{id, response | err, isDisposed}` back). Every
 * reply comes to one inbox subscription per connection (`<inbox>.<token>`), where Nest's ClientNats
 * subscribed and unsubscribed a fresh inbox per request (two more protocol messages each, and
 * subscription work in nats-server) and wrapped each call in RxJS. The requests waiting on it and
 * their timers are this class's own, not the nats client's request(), which builds an error (with
 * its stack) to cancel every request that succeeded.
 */
export class NamespacedClientNats {
  private connection: Promise<Connected> | undefined;
  private connected = false;
  private readonly waiting = new Map<string, WaitingRequest>();
  private nextId = 0;
  private readonly idPrefix = randomBytes(6).toString('hex');
  private readonly requests = new PublishBatch();

  constructor(
    private readonly options: { servers: string | string[]; name?: string },
    private readonly namespace: string,
  ) {}

  /** The reply's `response`; throws RequestFailed when there is none (no responder, no connection, timeout, or the service's error). */
  async request(pattern: string, data: unknown, timeoutMs: number): Promise<unknown> {
    const { reply } = await this.exchange(pattern, data, timeoutMs);
    return answerOf(reply).response;
  }

  /**
   * The reply's `response` as JSON text, for a caller that only passes it on (the gateway's
   * response body): cut out of the reply as the service wrote it, when the reply is in the layout
   * Nest's server and NamespacedServerNats write, so it is neither parsed nor serialised again;
   * undefined when there is none. Fails as request() does.
   */
  async requestJson(pattern: string, data: unknown, timeoutMs: number): Promise<string | undefined> {
    const { reply, id } = await this.exchange(pattern, data, timeoutMs);
    const text = reply.string();
    const suffix = `,"isDisposed":true,"id":"${id}"}`;
    if (text.startsWith(RESPONSE_PREFIX) && text.endsWith(suffix)) return text.slice(RESPONSE_PREFIX.length, text.length - suffix.length);
    const { response } = answerOf(reply);
    return response === undefined ? undefined : JSON.stringify(response);
  }

  private async exchange(pattern: string, data: unknown, timeoutMs: number): Promise<{ reply: Msg; id: string }> {
    const { connection, inbox } = await this.connect();
    // While the connection is down, nats would hold the request until it is back or the timeout passes; say now that nobody can answer.
    if (!this.connected) throw new RequestFailed({ kind: 'unavailable' });
    this.nextId += 1;
    const token = String(this.nextId);
    const id = `${this.idPrefix}${token}`;
    const packet = JSON.stringify({ pattern, data, id });
    const reply = await new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new RequestFailed({ kind: 'timeout' }));
      }, timeoutMs);
      this.waiting.set(token, { resolve, reject, timer });
      this.requests.add(() => {
        try {
          connection.publish(this.namespace + pattern, packet, { reply: `${inbox}.${token}` });
        } catch {
          this.settle(token, new RequestFailed({ kind: 'unavailable' }));
        }
      });
    });
    // No responders: nats-server answers an empty message with status 503.
    if (reply.data.length === 0) throw new RequestFailed({ kind: 'unavailable' });
    return { reply, id };
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const open = await connection?.catch(() => undefined);
    await open?.connection.close();
  }

  /** Hands a reply (or a failure) to the request waiting for it; a reply nobody waits for any more (timed out) is dropped. */
  private settle(token: string, outcome: Msg | RequestFailed): void {
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    clearTimeout(waiting.timer);
    if (outcome instanceof RequestFailed) waiting.reject(outcome);
    else waiting.resolve(outcome);
  }

  /** Connects on first use, as Nest's client did; a failed attempt is forgotten so the next request tries again. */
  private connect(): Promise<Connected> {
    if (!this.connection) {
      const attempt = connect({ ...this.options, noAsyncTraces: true }).then((connection) => {
        const inbox = createInbox();
        connection.subscribe(`${inbox}.*`, {
          callback: (error, reply) => {
            if (!error) this.settle(reply.subject.slice(inbox.length + 1), reply);
          },
        });
        this.connected = true;
        void this.followStatus(connection);
        return { connection, inbox };
      });
      attempt.catch(() => {
        if (this.connection === attempt) this.connection = undefined;
      });
      this.connection = attempt;
    }
    return this.connection.catch(() => {
      throw new RequestFailed({ kind: 'unavailable' });
    });
  }

  private async followStatus(connection: NatsClientConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') this.connected = false;
      if (status.type === 'reconnect') this.connected = true;
    }
    // The status stream ends when the connection is closed for good (closed, or out of reconnect attempts): start over on next use.
    this.connected = false;
    // Requests sent on it will get no reply.
    for (const token of [...this.waiting.keys()]) this.settle(token, new RequestFailed({ kind: 'unavailable' }));
    if (this.connection && (await this.connection.catch(() => undefined))?.connection === connection) this.connection = undefined;
  }
}
