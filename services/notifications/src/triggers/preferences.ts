import type { AuthRpc } from '@kinship/contracts';

export type PreferenceChannel = 'email' | 'sms' | 'inApp';

/** What a user gets of a notification type they have not chosen for: email and in-app, no SMS. */
const DEFAULT_CHANNELS: Record<PreferenceChannel, boolean> = { email: true, inApp: true, sms: false };

/**
 * Whether the user wants this notification type on this channel (PUT /me/settings
 * `notifications`). Security emails do not ask: templates/default-template.ts SECURITY_TEMPLATE_KEYS.
 */
export function wantsNotification(recipient: AuthRpc.Recipient, type: string, channel: PreferenceChannel): boolean {
  return recipient.notifications[type]?.[channel] ?? DEFAULT_CHANNELS[channel];
}
