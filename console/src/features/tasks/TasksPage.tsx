import { Badge, Button, Group, MultiSelect, Select, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { components } from '../../api/schema';
import { LazyRecordBulkActions } from '../../components/LazyBulkActions';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { DayFilterInputs, dayFilterIssues } from '../../components/DayFilterInputs';
import { MemberFilterSelect } from '../../components/RecordPickers';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { RelatedRecordFilter } from './RelatedRecordFilter';
import { NO_TASK_FILTERS, TASK_PRIORITIES, TASK_STATUSES, taskFilterState, taskQuery, type TaskFilterState } from './task-filters';

type Task = components['schemas']['Task'];

const DAY_FIELDS = [
  ['dueFrom', 'tasks.dueFrom'],
  ['dueTo', 'tasks.dueTo'],
  ['createdFrom', 'filter.createdFrom'],
  ['createdTo', 'filter.createdTo'],
] as const;
/** The query parameter each day input fills. */
const DAY_PARAMETERS = { dueFrom: 'dueAtFrom', dueTo: 'dueAtTo', createdFrom: 'createdAtFrom', createdTo: 'createdAtTo' };

type BulkTasksBody = components['schemas']['BulkTasksBody'];

const bulkTasks = (body: BulkTasksBody) => unwrap(api.POST('/api/v1/tasks/bulk', { body }));

export function Component() {
  const queryClient = useQueryClient();
  const canWrite = useCan('tasks:write');
  const [state, setState] = useState<TaskFilterState>(NO_TASK_FILTERS);
  const set = (changes: Partial<TaskFilterState>) => setState((current) => ({ ...current, ...changes }));
  const filters = taskQuery(state);
  const columns = useMemo<Array<RecordColumn<Task>>>(() => {
    const complete = async (task: Task) => {
      try {
        await unwrap(api.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id } }, body: { status: 'done' } }));
        await queryClient.invalidateQueries({ queryKey: ['tasks'] });
      } catch (error) {
        notifications.show({ color: 'red', message: messageOf(error) });
      }
    };
    return [
      { id: 'title', header: t('field.title'), cell: (task) => task.title },
      { id: 'priority', header: t('field.priority'), cell: (task) => <Badge variant="light">{task.priority}</Badge>, sortField: 'priority' },
      { id: 'status', header: t('field.status'), cell: (task) => task.status.replace(/_/g, ' ') },
      { id: 'dueAt', header: t('field.dueAt'), cell: (task) => formatDateTime(task.dueAt), sortField: 'dueAt' },
      {
        id: 'actions',
        fixed: true,
        header: t('common.actions'),
        cell: (task) =>
          canWrite && task.status !== 'done' ? (
            <Button size="compact-xs" variant="light" onClick={() => complete(task)}>
              {t('tasks.complete')}
            </Button>
          ) : null,
      },
    ];
  }, [canWrite, queryClient]);
  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{t('nav.tasks')}</Title>
      </Group>
      <RecordList<Task>
        name="tasks"
        searchLabel={t('tasks.search')}
        columns={columns}
        filters={filters}
        views={{ applyFilters: (view) => setState(view ? taskFilterState(view) : NO_TASK_FILTERS) }}
        initialSort="dueAt"
        toolbar={(issueAt) => (
          <>
            <MultiSelect
              label={t('field.status')}
              data={TASK_STATUSES.map((s) => ({ value: s, label: s.replace(/_/g, ' ') }))}
              value={state.status}
              onChange={(status) => set({ status: status as TaskFilterState['status'] })}
              error={issueAt('status')}
              w={260}
            />
            <MultiSelect
              label={t('field.priority')}
              data={TASK_PRIORITIES}
              value={state.priority}
              onChange={(priority) => set({ priority: priority as TaskFilterState['priority'] })}
              error={issueAt('priority')}
              clearable
              w={220}
            />
            <MemberFilterSelect
              label={t('tasks.assignee')}
              meLabel={t('tasks.assigneeMe')}
              value={state.assigneeId}
              onChange={(assigneeId) => set({ assigneeId })}
            />
            <Select
              label={t('tasks.overdue')}
              data={[
                { value: 'true', label: t('common.yes') },
                { value: 'false', label: t('common.no') },
              ]}
              value={state.overdue || null}
              onChange={(overdue) => set({ overdue: overdue ?? '' })}
              error={issueAt('overdue')}
              clearable
              w={130}
            />
            <DayFilterInputs
              fields={DAY_FIELDS.map(([field, label]) => [field, t(label)] as const)}
              values={state}
              onChange={set}
              errors={dayFilterIssues(DAY_PARAMETERS, issueAt)}
            />
            <RelatedRecordFilter value={state} onChange={set} />
          </>
        )}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <LazyRecordBulkActions
                  selected={selected}
                  clear={clear}
                  list="tasks"
                  owner={{
                    title: t('tasks.bulkOwnerTitle', { count: selected.length }),
                    set: (ids, ownerId) => bulkTasks({ action: 'owner', ids, ownerId }),
                  }}
                  actions={[{ label: t('tasks.complete'), send: (ids) => bulkTasks({ action: 'complete', ids }) }]}
                  remove={(ids) => bulkTasks({ action: 'delete', ids })}
                />
              )
            : undefined
        }
        fetchPage={(query) => unwrap(api.GET('/api/v1/tasks', { params: { query: { ...filters, ...query } } }))}
      />
    </>
  );
}
