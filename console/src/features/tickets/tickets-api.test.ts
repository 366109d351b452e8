import { describe, expect, it } from 'vitest';
import { nextDeadline } from './tickets-api';

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
