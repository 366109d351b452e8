import { EVENT_TYPES, type EventType } from '@kinship/contracts';

/**
 * These events ask for a one-time link (invitation, password reset, email verification). They no
 * longer carry its token, but those published before did (docs/events.md), and who is being
 * invited or resetting a password is nobody else's business: they never leave Kinship.
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
