import { WEBHOOK_EVENT_TYPES } from '@kinship/contracts/notifications';

export { ALL_EVENTS } from '@kinship/contracts/notifications';

export function isDeliverable(type: string): boolean {
  return (WEBHOOK_EVENT_TYPES as string[]).includes(type);
}
