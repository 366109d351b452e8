import { describe, expect, it } from '@jest/globals';
import { ALWAYS_OPEN } from './business-calendar.js';
import { isBreached, SlaClock, slaNotices, type SlaState } from './sla-clock.js';

const OPENED = new Date('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(OPENED.getTime() + minutes * 60_000);

function fresh(): SlaState {
  return {
    status: 'new',
    createdAt: OPENED,
    firstRespondedAt: null,
    firstResponseDueAt: null,
    nextResponseDueAt: null,
    resolutionDueAt: null,
    pausedAt: null,
    pausedSeconds: 0,
    resolvedAt: null,
    slaWarned: [],
    slaBreached: [],
  };
}

describe('SLA clock', () => {
  const clock = new SlaClock({ firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 240 }, ALWAYS_OPEN);

  it('sets deadlines from the opening, and none without a policy', () => {
    const state = fresh();
    clock.start(state);
    expect(state.firstResponseDueAt).toEqual(at(60));
    expect(state.resolutionDueAt).toEqual(at(240));
    const none = fresh();
    new SlaClock(null, ALWAYS_OPEN).start(none);
    expect([none.firstResponseDueAt, none.resolutionDueAt]).toEqual([null, null]);
  });

  it('pauses the resolution clock while pending and pushes its deadline back by the pause', () => {
    const state = fresh();
    clock.start(state);
    clock.agentReplied(state, at(10));
    clock.setStatus(state, 'pending', at(30));
    expect(state.resolutionDueAt).toBeNull();
    clock.setStatus(state, 'open', at(90));
    expect(state.resolutionDueAt).toEqual(at(300));
    clock.setStatus(state, 'resolved', at(100));
    expect(state.resolvedAt).toEqual(at(100));
    expect(isBreached(state, at(1000))).toBe(false);
  });

  it('meets the first response with an agent’s reply and awaits the next one after the customer’s', () => {
    const state = fresh();
    clock.start(state);
    clock.agentReplied(state, at(10));
    expect(state).toMatchObject({ status: 'open', firstRespondedAt: at(10) });
    clock.setStatus(state, 'pending', at(20));
    clock.customerReplied(state, at(50));
    expect(state).toMatchObject({ status: 'open', nextResponseDueAt: at(80) });
    expect(isBreached(state, at(81))).toBe(true);
    clock.agentReplied(state, at(70));
    expect(state.nextResponseDueAt).toBeNull();
    expect(isBreached(state, at(81))).toBe(false);
  });

  it('tells a warning inside the window and a breach past the deadline, each once', () => {
    const state = fresh();
    clock.start(state);
    expect(slaNotices(state, at(20), 30)).toEqual([]);
    expect(slaNotices(state, at(31), 30)).toEqual([{ metric: 'first_response', kind: 'warning', dueAt: at(60) }]);
    expect(slaNotices(state, at(40), 30)).toEqual([]);
    expect(slaNotices(state, at(61), 30)).toEqual([{ metric: 'first_response', kind: 'breach', dueAt: at(60) }]);
    expect(slaNotices(state, at(62), 30)).toEqual([]);
    expect(isBreached(state, at(62))).toBe(true);
  });
});
