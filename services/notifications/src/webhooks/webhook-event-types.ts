import { EVENT_TYPES, type EventType } from '@kinship/contracts';

/**
 * These events carry a usable one-time token (invitation, password reset, email verification):
 * whoever receives one can join a workspace or take over an account, so they never leave Kinship.
 */
const WITHHELD_EVENT_TYPES: ReadonlySet<string> = new Set<EventType>(['user.invited', 'user.password_reset_requested', 'user.email_verification_requested']);

/** Every event type a partner endpoint may subscribe to. */
export const WEBHOOK_EVENT_TYPES = (Object.keys(EVENT_TYPES) as EventType[]).filter((type) => !WITHHELD_EVENT_TYPES.has(type));

/** Subscribes an endpoint to every type of WEBHOOK_EVENT_TYPES, those added later included. */
export const ALL_EVENTS = '*';

export const SUBSCRIBABLE_EVENTS: readonly string[] = [ALL_EVENTS, ...WEBHOOK_EVENT_TYPES];

export function isDeliverable(type: string): boolean {
  return (WEBHOOK_EVENT_TYPES as string[]).includes(type);
}
