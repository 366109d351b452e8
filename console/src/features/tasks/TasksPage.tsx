import { Badge, Button, Group, MultiSelect, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import type { components } from '../../api/schema';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';

// The bulk actions load on the first selection, not with the rows.
const RecordBulkActions = lazy(() => import('../../components/BulkActions').then((module) => ({ default: module.RecordBulkActions })));

type Task = components['schemas']['Task'];
type BulkTasksBody = components['schemas']['BulkTasksBody'];

const bulkTasks = (body: BulkTasksBody) => unwrap(api.POST('/api/v1/tasks/bulk', { body }));
const STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
const OPEN_STATUSES = ['open', 'in_progress'];

export function Component() {
  const queryClient = useQueryClient();
  const canWrite = useCan('tasks:write');
  const [status, setStatus] = useState<string[]>(OPEN_STATUSES);
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
        filters={{ status }}
        views={{ applyFilters: (view) => setStatus(view ? ((view.status as string[] | undefined) ?? []) : OPEN_STATUSES) }}
        initialSort="dueAt"
        toolbar={
          <MultiSelect
            label={t('field.status')}
            data={STATUSES.map((s) => ({ value: s, label: s.replace(/_/g, ' ') }))}
            value={status}
            onChange={setStatus}
            w={260}
          />
        }
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <Suspense fallback={null}>
                  <RecordBulkActions
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
                </Suspense>
              )
            : undefined
        }
        fetchPage={(query) =>
          unwrap(api.GET('/api/v1/tasks', { params: { query: { ...query, status: status.length ? (status as Task['status'][]) : undefined } } }))
        }
      />
    </>
  );
}
