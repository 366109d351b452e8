/**
 * The envelope every domain event travels in, on the wire and in the outbox.
 * `type` is `<aggregate>.<event>` (`contact.created`); the subject adds the service.
 */
export interface DomainEvent<T = unknown> {
  /** UUIDv7, also the JetStream `Nats-Msg-Id`, so a re-published event is dropped as a duplicate. */
  id: string;
  type: string;
  version: number;
  /** ISO 8601, UTC. */
  occurredAt: string;
  workspaceId: string | null;
  actorId: string | null;
  aggregateId: string;
  data: T;
}

const SUBJECT_TOKEN = /^[a-z][a-z0-9_]*$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
/** Empty, or dot-terminated tokens such as `t_ab12.`, so it can prefix any subject. */
const NAMESPACE = /^([A-Za-z0-9_-]+\.)*$/;

export function assertNamespace(namespace: string): string {
  if (!NAMESPACE.test(namespace)) throw new Error(`"${namespace}" is not a NATS namespace (empty, or tokens each ending with ".")`);
  return namespace;
}

/** `subjectFor('', 'crm', 'deal.stage_changed')` → `events.crm.deal.stage_changed`. */
export function subjectFor(namespace: string, service: string, type: string): string {
  if (!SUBJECT_TOKEN.test(service)) throw new Error(`"${service}" is not a valid service name for an event subject`);
  if (!EVENT_TYPE.test(type)) throw new Error(`"${type}" is not an event type of the form <aggregate>.<event>`);
  return `${assertNamespace(namespace)}events.${service}.${type}`;
}
