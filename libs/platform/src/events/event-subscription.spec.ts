import { describe, expect, it } from '@jest/globals';
import type { DomainEvent } from '@kinship/messaging';
import { eventFilterSubject, eventOfTypes } from './event-subscription.js';

describe('eventFilterSubject', () => {
  it('is the subject of the one type subscribed to', () => {
    expect(eventFilterSubject(['task.assigned'])).toBe('events.crm.task.assigned');
    expect(eventFilterSubject(['email.sent'])).toBe('events.notifications.email.sent');
  });

  it('is the aggregate’s wildcard for several types of one aggregate', () => {
    expect(eventFilterSubject(['note.created', 'note.updated', 'note.deleted', 'note.restored'])).toBe('events.crm.note.>');
    expect(eventFilterSubject(['invoice.overdue', 'invoice.paid'])).toBe('events.billing.invoice.>');
  });

  it('is the service’s wildcard for types of several aggregates of one service', () => {
    expect(eventFilterSubject(['contact.created', 'contacts.imported'])).toBe('events.crm.>');
    expect(eventFilterSubject(['invoice.sent', 'payment.received'])).toBe('events.billing.>');
  });

  it('is every event for types of several services', () => {
    expect(eventFilterSubject(['workspace.created', 'contact.created'])).toBe('events.>');
  });

  it('refuses a subscription to no type', () => {
    expect(() => eventFilterSubject([])).toThrow('a subscription names at least one event type');
  });
});

describe('eventOfTypes', () => {
  it('tells the subscribed types from the others', () => {
    const handles = eventOfTypes(['invoice.paid', 'payment.received']);
    const event = (type: string) => ({ type }) as DomainEvent;
    expect([handles(event('invoice.paid')), handles(event('payment.received')), handles(event('invoice.sent'))]).toEqual([true, true, false]);
  });
});
