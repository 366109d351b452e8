import type { components, operations } from '../../api/schema';
import { dayEnd, dayOf, dayStart, listOf, strings, text } from '../../lib/list-filters';

type Task = components['schemas']['Task'];
export type TaskQuery = NonNullable<operations['crm.tasks.list']['parameters']['query']>;

export const TASK_STATUSES: readonly Task['status'][] = ['open', 'in_progress', 'done', 'cancelled'];
export const TASK_PRIORITIES: readonly Task['priority'][] = ['low', 'normal', 'high', 'urgent'];
/** What a task can be related to: a contact, a company, a deal or a custom object's record. */
export const RELATED_TYPES: readonly NonNullable<TaskQuery['relatedType']>[] = ['contact', 'company', 'deal', 'record'];

/** The tasks list's filters as the inputs hold them ('' for none, the overdue flag as "true"/"false", days for the dates). */
export interface TaskFilterState {
  status: Task['status'][];
  priority: Task['priority'][];
  assigneeId: string;
  overdue: string;
  dueFrom: string;
  dueTo: string;
  createdFrom: string;
  createdTo: string;
  /** '' for any; a type alone lists the tasks related to any record of it. */
  relatedType: NonNullable<TaskQuery['relatedType']> | '';
  relatedId: string;
}

/** The list opens on the tasks still to do. */
export const NO_TASK_FILTERS: TaskFilterState = {
  status: ['open', 'in_progress'],
  priority: [],
  assigneeId: '',
  overdue: '',
  dueFrom: '',
  dueTo: '',
  createdFrom: '',
  createdTo: '',
  relatedType: '',
  relatedId: '',
};

/** The filters as GET /tasks takes them, empty ones left out. */
export function taskQuery(state: TaskFilterState): Omit<TaskQuery, 'cursor' | 'limit' | 'sort' | 'q' | 'deleted'> {
  return {
    status: listOf(state.status),
    priority: listOf(state.priority),
    assigneeId: state.assigneeId || undefined,
    overdue: state.overdue === '' ? undefined : state.overdue === 'true',
    dueAtFrom: dayStart(state.dueFrom),
    dueAtTo: dayEnd(state.dueTo),
    createdAtFrom: dayStart(state.createdFrom),
    createdAtTo: dayEnd(state.createdTo),
    relatedType: state.relatedType || undefined,
    relatedId: state.relatedId || undefined,
  };
}

const oneOf = <T extends string>(choices: readonly T[], value: unknown): T[] =>
  strings(value).filter((item): item is T => (choices as readonly string[]).includes(item));

/** A saved view's filters back into the inputs. */
export function taskFilterState(filters: Record<string, unknown>): TaskFilterState {
  return {
    status: oneOf(TASK_STATUSES, filters.status),
    priority: oneOf(TASK_PRIORITIES, filters.priority),
    assigneeId: text(filters.assigneeId),
    overdue: typeof filters.overdue === 'boolean' ? String(filters.overdue) : '',
    dueFrom: dayOf(filters.dueAtFrom),
    dueTo: dayOf(filters.dueAtTo),
    createdFrom: dayOf(filters.createdAtFrom),
    createdTo: dayOf(filters.createdAtTo),
    relatedType: oneOf(RELATED_TYPES, [filters.relatedType])[0] ?? '',
    relatedId: text(filters.relatedId),
  };
}
