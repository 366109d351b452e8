import { Button, Group, Modal, Select, TagsInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { components } from '../api/schema';
import { api } from '../lib/api';
import { messageOf, unwrap } from '../lib/api-error';
import { fetchBlob, saveBlob } from '../lib/files';
import { useWorkspaceUsers } from '../lib/users';
import { t } from './bulk-i18n';

/** Requests in flight at once: a thousand selected rows do not become a thousand open requests. */
const CONCURRENCY = 6;

/**
 * Runs one request per record, a few at a time, with a toast that counts them and then says how
 * many succeeded, naming the first failure. Resolves to the number that failed.
 */
export async function forEachRecord(ids: readonly string[], run: (id: string) => Promise<unknown>): Promise<number> {
  const toast = notifications.show({ loading: true, autoClose: false, withCloseButton: false, message: t('bulk.progress', { done: 0, count: ids.length }) });
  const failures: unknown[] = [];
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        await run(id);
      } catch (failure) {
        failures.push(failure);
      }
      done += 1;
      notifications.update({ id: toast, message: t('bulk.progress', { done, count: ids.length }) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  notifications.update({
    id: toast,
    loading: false,
    autoClose: 4000,
    withCloseButton: true,
    ...(failures.length
      ? { color: 'red', message: t('bulk.failed', { count: failures.length, message: messageOf(failures[0]) }) }
      : { color: 'green', message: t('bulk.done', { count: ids.length }) }),
  });
  return failures.length;
}

interface RecordBulkActionsProps {
  selected: string[];
  clear: () => void;
  /** The list's name: its pages are fetched again once an action is done. */
  list: string;
  /** The owner dialog's title for this many records. */
  ownerTitle: string;
  setOwner: (id: string, ownerId: string) => Promise<unknown>;
  /** When the records have tags: the tag dialog's title and the change of one record (its own tags kept). */
  tags?: { title: string; add: (id: string, tags: string[]) => Promise<unknown> };
  remove: (id: string) => Promise<unknown>;
  /** The list's own further actions. */
  children?: ReactNode;
}

/**
 * A list's bulk actions on the selected rows: add tags, change the owner, delete, one request per
 * record (the API changes one record at a time). Loaded with the first selection, not with the list.
 */
export function RecordBulkActions({ selected, clear, list, ownerTitle, setOwner, tags, remove, children }: RecordBulkActionsProps) {
  const queryClient = useQueryClient();
  const [action, setAction] = useState<'tag' | 'owner' | null>(null);
  const run = async (change: (id: string) => Promise<unknown>) => {
    await forEachRecord(selected, change);
    setAction(null);
    clear();
    await queryClient.invalidateQueries({ queryKey: [list] });
  };
  return (
    <>
      {tags && (
        <Button variant="light" onClick={() => setAction('tag')}>
          {t('bulk.tag')}
        </Button>
      )}
      <Button variant="light" onClick={() => setAction('owner')}>
        {t('bulk.owner')}
      </Button>
      {children}
      <Button color="red" variant="light" onClick={() => run(remove)}>
        {t('bulk.delete')}
      </Button>
      {action === 'tag' && tags && <TagsModal title={tags.title} onClose={() => setAction(null)} onSave={(added) => run((id) => tags.add(id, added))} />}
      {action === 'owner' && <OwnerModal title={ownerTitle} onClose={() => setAction(null)} onSave={(ownerId) => run((id) => setOwner(id, ownerId))} />}
    </>
  );
}

/** A dialog of one bulk action: its inputs and Save, busy while the requests run. */
export function BulkModal({
  title,
  onClose,
  onSubmit,
  children,
  ready,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => Promise<void>;
  children: ReactNode;
  ready: boolean;
}) {
  const [saving, setSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      await onSubmit();
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={title}>
      <form onSubmit={submit} noValidate>
        {children}
        <Group justify="flex-end" mt="md">
          <Button type="submit" loading={saving} disabled={!ready}>
            {t('common.save')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}

function TagsModal({ title, onClose, onSave }: { title: string; onClose: () => void; onSave: (tags: string[]) => Promise<void> }) {
  const [tags, setTags] = useState<string[]>([]);
  return (
    <BulkModal title={title} onClose={onClose} onSubmit={() => onSave(tags)} ready={tags.length > 0}>
      <TagsInput label={t('field.tags')} value={tags} onChange={setTags} data-autofocus />
    </BulkModal>
  );
}

function OwnerModal({ title, onClose, onSave }: { title: string; onClose: () => void; onSave: (ownerId: string) => Promise<void> }) {
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const users = useWorkspaceUsers();
  const members = (users.data?.data ?? [])
    .filter((user) => user.status === 'active')
    .map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));
  return (
    <BulkModal title={title} onClose={onClose} onSubmit={() => onSave(ownerId!)} ready={ownerId !== null}>
      <Select
        label={t('bulk.newOwner')}
        data={members}
        value={ownerId}
        onChange={setOwnerId}
        searchable
        error={users.isError ? messageOf(users.error) : undefined}
        data-autofocus
      />
    </BulkModal>
  );
}

type ExportBody = components['schemas']['CreateExportBody'];
const EXPORT_POLL_MS = 1000;

/** Exports the records the list's filters select (POST /exports), waits for the file and downloads it. */
export function ExportButton({ entity, object, filter }: { entity: ExportBody['entity']; object?: string; filter: Record<string, unknown> }) {
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    try {
      const present = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
      const { id } = await unwrap(api.POST('/api/v1/exports', { body: { entity, object, filter: present, format: 'csv' } }));
      for (;;) {
        // Accept: application/json asks for the status even once the file is there.
        const job = await unwrap(api.GET('/api/v1/exports/{id}', { params: { path: { id } }, headers: { accept: 'application/json' } }));
        if (job.status === 'failed') throw new Error(job.error ?? t('bulk.exportFailed'));
        if (job.status === 'completed') {
          saveBlob(await fetchBlob(`/api/v1/exports/${id}`), job.fileName);
          notifications.show({ color: 'green', message: t('bulk.exported', { count: job.totalRows }) });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, EXPORT_POLL_MS));
      }
    } catch (failure) {
      notifications.show({ color: 'red', message: messageOf(failure) });
    } finally {
      setRunning(false);
    }
  };
  return (
    <Button variant="default" onClick={run} loading={running}>
      {t('bulk.export')}
    </Button>
  );
}
