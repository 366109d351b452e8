import { describe, expect, it } from 'vitest';
import { currentClock, nextDeadline, NO_TICKET_FILTERS, relativeTime, slaClocks, tagsOf, ticketFilterState, ticketQuery } from './tickets-api';

const none = { firstRespondedAt: null, firstResponseDueAt: null, nextResponseDueAt: null, resolutionDueAt: null, resolvedAt: null };

describe('nextDeadline', () => {
  it('is the first response’s until an agent has answered', () => {
    expect(nextDeadline({ ...none, firstResponseDueAt: '2026-12-05T10:00:00Z', resolutionDueAt: '2026-12-06T10:00:00Z' })).toBe('2026-12-05T10:00:00Z');
  });

  it('then the customer’s awaited answer, then the resolution', () => {
    const answered = { ...none, firstRespondedAt: '2026-12-05T09:00:00Z', firstResponseDueAt: '2026-12-05T10:00:00Z', resolutionDueAt: '2026-12-06T10:00:00Z' };
    expect(nextDeadline({ ...answered, nextResponseDueAt: '2026-12-05T12:00:00Z' })).toBe('2026-12-05T12:00:00Z');
    expect(nextDeadline(answered)).toBe('2026-12-06T10:00:00Z');
  });

  it('is none once resolved, or without a policy', () => {
    expect(nextDeadline({ ...none, resolutionDueAt: '2026-12-06T10:00:00Z', resolvedAt: '2026-12-05T11:00:00Z' })).toBeNull();
    expect(nextDeadline(none)).toBeNull();
  });
});

describe('slaClocks', () => {
  const now = Date.parse('2026-12-05T11:00:00Z');

  it('lists only the clocks with a deadline, running or overdue at now', () => {
    const ticket = { ...none, firstResponseDueAt: '2026-12-05T10:00:00Z', resolutionDueAt: '2026-12-06T10:00:00Z' };
    expect(slaClocks(ticket, now)).toEqual([
      { kind: 'firstResponse', dueAt: '2026-12-05T10:00:00Z', metAt: null, state: 'overdue' },
      { kind: 'resolution', dueAt: '2026-12-06T10:00:00Z', metAt: null, state: 'running' },
    ]);
  });

  it('says whether a met clock was met in time or late', () => {
    const ticket = {
      ...none,
      firstRespondedAt: '2026-12-05T09:00:00Z',
      firstResponseDueAt: '2026-12-05T10:00:00Z',
      resolutionDueAt: '2026-12-05T10:30:00Z',
      resolvedAt: '2026-12-05T10:45:00Z',
    };
    expect(slaClocks(ticket, now).map((clock) => clock.state)).toEqual(['met', 'metLate']);
  });

  it('is empty without a policy', () => {
    expect(slaClocks(none, now)).toEqual([]);
  });
});

describe('currentClock', () => {
  const now = Date.parse('2026-12-05T11:00:00Z');

  it('is the unmet clock nextDeadline names, with its state', () => {
    const answered = {
      ...none,
      firstRespondedAt: '2026-12-05T09:00:00Z',
      firstResponseDueAt: '2026-12-05T10:00:00Z',
      nextResponseDueAt: '2026-12-05T10:40:00Z',
    };
    expect(currentClock(answered, now)).toEqual({ kind: 'nextResponse', dueAt: '2026-12-05T10:40:00Z', metAt: null, state: 'overdue' });
  });

  it('is none once resolved', () => {
    expect(currentClock({ ...none, resolutionDueAt: '2026-12-06T10:00:00Z', resolvedAt: '2026-12-05T10:00:00Z' }, now)).toBeNull();
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-12-05T11:00:00Z');

  it('names the largest whole unit, ahead or past', () => {
    expect(relativeTime('2026-12-05T14:10:00Z', now, 'en')).toBe('in 3 hours');
    expect(relativeTime('2026-12-05T10:40:00Z', now, 'en')).toBe('20 minutes ago');
    expect(relativeTime('2026-12-07T12:00:00Z', now, 'en')).toBe('in 2 days');
  });
});

describe('tagsOf', () => {
  it('reads comma-separated tags, trimmed, empty ones dropped', () => {
    expect(tagsOf(' billing, pdf ,, ')).toEqual(['billing', 'pdf']);
    expect(tagsOf(null)).toEqual([]);
  });
});

describe('the tickets list’s filters', () => {
  it('sends the type, channel, assignee and tags set, and opens a saved view back into them', () => {
    const state = { ...NO_TICKET_FILTERS, type: ['incident' as const], channel: ['sms' as const], assigneeId: 'me', tags: ['vip'] };
    expect(ticketQuery(state)).toEqual({
      status: ['new', 'open', 'pending'],
      priority: undefined,
      type: ['incident'],
      channel: ['sms'],
      assigneeId: 'me',
      contactId: undefined,
      companyId: undefined,
      tags: ['vip'],
      breached: undefined,
      createdAtFrom: undefined,
      createdAtTo: undefined,
    });
    expect(ticketFilterState({ type: ['incident', 'outage'], channel: ['sms'], assigneeId: 'me', tags: ['vip'], breached: true })).toEqual({
      ...NO_TICKET_FILTERS,
      status: [],
      type: ['incident'],
      channel: ['sms'],
      assigneeId: 'me',
      tags: ['vip'],
      breached: 'true',
    });
  });
});
