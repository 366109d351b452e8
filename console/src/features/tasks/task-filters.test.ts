import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart } from '../../lib/list-filters';
import { NO_TASK_FILTERS, taskFilterState, taskQuery } from './task-filters';

describe('the tasks list’s filters', () => {
  it('sends every filter set, the due days as the instants they span', () => {
    expect(taskQuery({ ...NO_TASK_FILTERS, priority: ['high'], assigneeId: 'me', overdue: 'true', dueFrom: '2026-12-01', dueTo: '2026-12-07' })).toEqual({
      status: ['open', 'in_progress'],
      priority: ['high'],
      assigneeId: 'me',
      overdue: true,
      dueAtFrom: dayStart('2026-12-01'),
      dueAtTo: dayEnd('2026-12-07'),
      createdAtFrom: undefined,
      createdAtTo: undefined,
    });
  });

  it('opens a saved view back into the inputs', () => {
    expect(taskFilterState({ priority: ['urgent', 'later'], assigneeId: 'u1', overdue: false, dueAtTo: dayEnd('2026-12-07') })).toEqual({
      ...NO_TASK_FILTERS,
      status: [],
      priority: ['urgent'],
      assigneeId: 'u1',
      overdue: 'false',
      dueTo: '2026-12-07',
    });
  });

  it('sends the related record and opens a view carrying one with it picked', () => {
    const related = { ...NO_TASK_FILTERS, relatedType: 'deal', relatedId: 'd1' } as const;
    expect(taskQuery(related)).toMatchObject({ relatedType: 'deal', relatedId: 'd1' });
    expect(taskQuery({ ...NO_TASK_FILTERS, relatedType: 'company' })).toMatchObject({ relatedType: 'company', relatedId: undefined });
    expect(taskFilterState({ status: ['open', 'in_progress'], relatedType: 'deal', relatedId: 'd1' })).toEqual(related);
    expect(taskFilterState({ relatedType: 'ticket', relatedId: 7 })).toMatchObject({ relatedType: '', relatedId: '' });
  });
});
