import type { BusinessCalendar, TicketStatus } from '@kinship/contracts/crm';
import { addBusinessSeconds, businessSecondsBetween } from './business-calendar.js';

import type { SlaMetric } from './1765120000000-tickets.js';

export type { SlaMetric } from './1765120000000-tickets.js';

/** A priority's targets, in business minutes. */
export interface SlaTargets {
  firstResponseMinutes: number;
  nextResponseMinutes: number | null;
  resolutionMinutes: number;
}

/** What of a ticket its SLA clock reads and moves. */
export interface SlaState {
  status: TicketStatus;
  createdAt: Date;
  firstRespondedAt: Date | null;
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  pausedAt: Date | null;
  pausedSeconds: number;
  resolvedAt: Date | null;
  slaWarned: SlaMetric[];
  slaBreached: SlaMetric[];
}

const STOPPED: ReadonlySet<TicketStatus> = new Set(['resolved', 'closed']);

/** Whether a deadline passed unmet or was met late, as of `now`, or a breach was told. */
export function isBreached(state: Omit<SlaState, 'status' | 'createdAt' | 'pausedAt' | 'pausedSeconds' | 'slaWarned'>, now: Date): boolean {
  if (state.slaBreached.length > 0) return true;
  const late = (due: Date | null, done: Date | null) => due !== null && (done ?? now).getTime() > due.getTime();
  return late(state.firstResponseDueAt, state.firstRespondedAt) || late(state.nextResponseDueAt, null) || late(state.resolutionDueAt, state.resolvedAt);
}

function forget(state: SlaState, metric: SlaMetric, breachToo: boolean): void {
  state.slaWarned = state.slaWarned.filter((told) => told !== metric);
  if (breachToo) state.slaBreached = state.slaBreached.filter((told) => told !== metric);
}

/**
 * The SLA clock of one ticket under its priority's targets (none: no deadlines) and the workspace's
 * calendar. Deadlines count business time from the ticket's opening; time spent pending pushes the
 * resolution deadline back by the business time it took, so pausing and resuming loses nothing.
 */
export class SlaClock {
  constructor(
    private readonly targets: SlaTargets | null,
    private readonly calendar: BusinessCalendar,
  ) {}

  /** Sets the first-response and resolution deadlines from the targets (at opening, and when the priority changes). */
  start(state: SlaState): void {
    state.firstResponseDueAt = this.targets ? addBusinessSeconds(this.calendar, state.createdAt, this.targets.firstResponseMinutes * 60) : null;
    state.resolutionDueAt = this.resolutionDue(state);
    forget(state, 'first_response', true);
    forget(state, 'resolution', true);
  }

  /** Moves the ticket to `next`: pending pauses the clock, leaving pending resumes it, resolved and closed stop it. */
  setStatus(state: SlaState, next: TicketStatus, now: Date): void {
    const previous = state.status;
    if (previous === next) return;
    if (previous === 'pending' && state.pausedAt) {
      state.pausedSeconds += businessSecondsBetween(this.calendar, state.pausedAt, now);
      state.pausedAt = null;
      state.resolutionDueAt = this.resolutionDue(state);
      forget(state, 'resolution', false);
    }
    if (STOPPED.has(next)) {
      state.resolvedAt ??= now;
      state.nextResponseDueAt = null;
    } else {
      state.resolvedAt = null;
    }
    if (next === 'pending') {
      state.pausedAt = now;
      state.resolutionDueAt = null;
    }
    state.status = next;
  }

  /** An agent's public reply: the first response, and the answer to the customer's last reply. A new ticket becomes open. */
  agentReplied(state: SlaState, now: Date): void {
    state.firstRespondedAt ??= now;
    state.nextResponseDueAt = null;
    forget(state, 'next_response', false);
    if (state.status === 'new') this.setStatus(state, 'open', now);
  }

  /** The customer's reply: a pending or solved ticket opens again, and the next response is due. */
  customerReplied(state: SlaState, now: Date): void {
    if (state.status !== 'new' && state.status !== 'open') this.setStatus(state, 'open', now);
    if (this.targets?.nextResponseMinutes && state.nextResponseDueAt === null) {
      state.nextResponseDueAt = addBusinessSeconds(this.calendar, now, this.targets.nextResponseMinutes * 60);
      forget(state, 'next_response', true);
    }
  }

  private resolutionDue(state: SlaState): Date | null {
    if (!this.targets || state.pausedAt) return null;
    return addBusinessSeconds(this.calendar, state.createdAt, this.targets.resolutionMinutes * 60 + state.pausedSeconds);
  }
}

/** What the check tells of a ticket now: a warning inside the window, a breach past the deadline, each once. */
export function slaNotices(state: SlaState, now: Date, warningMinutes: number): Array<{ metric: SlaMetric; kind: 'warning' | 'breach'; dueAt: Date }> {
  const notices: Array<{ metric: SlaMetric; kind: 'warning' | 'breach'; dueAt: Date }> = [];
  const running: Record<SlaMetric, Date | null> = {
    first_response: state.firstRespondedAt ? null : state.firstResponseDueAt,
    next_response: state.nextResponseDueAt,
    resolution: state.resolutionDueAt,
  };
  for (const metric of Object.keys(running) as SlaMetric[]) {
    const dueAt = running[metric];
    if (!dueAt || state.slaBreached.includes(metric)) continue;
    if (dueAt.getTime() <= now.getTime()) {
      notices.push({ metric, kind: 'breach', dueAt });
      state.slaBreached = [...state.slaBreached, metric];
      if (!state.slaWarned.includes(metric)) state.slaWarned = [...state.slaWarned, metric];
    } else if (warningMinutes > 0 && dueAt.getTime() - warningMinutes * 60_000 <= now.getTime() && !state.slaWarned.includes(metric)) {
      notices.push({ metric, kind: 'warning', dueAt });
      state.slaWarned = [...state.slaWarned, metric];
    }
  }
  return notices;
}
