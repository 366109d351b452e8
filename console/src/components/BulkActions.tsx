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

type BulkResult = components['schemas']['BulkResult'];

/** Records one bulk request may name (the API's BULK_IDS_MAX): a larger selection goes in requests of this many. */
export const BULK_CHUNK = 100;

/** Records "Export selected" sends in its one request (the API's EXPORT_IDS_MAX: an export's filter takes that many ids). */
export const EXPORT_SELECTION_MAX = 10_000;

/** One bulk request (POST /<list>/bulk, POST /objects/:object/records/bulk) for up to BULK_CHUNK ids. */
export type BulkSend = (ids: string[]) => Promise<BulkResult>;

/**
 * Sends a bulk change in requests of BULK_CHUNK ids, one after another, with a toast that counts
 * the records done and then says how many succeeded, or how many failed and why the first did (a
 * request refused as a whole fails all of its records). Resolves to the ids that failed.
 */
export async function changeInBulk(ids: readonly string[], send: BulkSend): Promise<string[]> {
  const toast = notifications.show({ loading: true, autoClose: false, withCloseButton: false, message: t('bulk.progress', { done: 0, count: ids.length }) });
  const failed: Array<{ id: string; message: string }> = [];
  for (let start = 0; start < ids.length; start += BULK_CHUNK) {
    const chunk = ids.slice(start, start + BULK_CHUNK);
    try {
      const { results } = await send(chunk);
      for (const result of results) if (result.status !== 'ok') failed.push({ id: result.id, message: result.message ?? result.status });
    } catch (failure) {
      failed.push(...chunk.map((id) => ({ id, message: messageOf(failure) })));
    }
    notifications.update({ id: toast, message: t('bulk.progress', { done: Math.min(start + BULK_CHUNK, ids.length), count: ids.length }) });
  }
  notifications.update({
    id: toast,
    loading: false,
    autoClose: failed.length ? false : 4000,
    withCloseButton: true,
    ...(failed.length
      ? { color: 'red', message: t('bulk.failed', { count: failed.length, total: ids.length, message: failed[0]!.message }) }
      : { color: 'green', message: t('bulk.done', { count: ids.length }) }),
  });
  return failed.map((failure) => failure.id);
}

/** A change of the selected records to one of a few values: its button, its dialog and the request. */
export interface BulkChoice {
  label: string;
  title: string;
  options: readonly string[];
  send: (ids: string[], value: string) => Promise<BulkResult>;
}

interface RecordBulkActionsProps {
  selected: string[];
  /** Ends the selection, keeping the rows named (those an action failed on). */
  clear: (keep?: string[]) => void;
  /** The list's name: its pages are fetched again once an action is done. */
  list: string;
  /** When the records have an owner (or an assignee): the dialog's title for this many records, and the request. */
  owner?: { title: string; set: (ids: string[], ownerId: string) => Promise<BulkResult> };
  /** When the records have tags: the tag dialog's title and the request adding tags (each record keeps its own). */
  tags?: { title: string; add: (ids: string[], tags: string[]) => Promise<BulkResult> };
  remove: BulkSend;
  /** The list's own further changes that need no dialog (a task's "complete"), one button each. */
  actions?: Array<{ label: string; send: BulkSend }>;
  /** The list's own further changes to one of a few values (a ticket's status), a dialog with a select each. */
  choices?: BulkChoice[];
  /** The list's export entity when the caller may export: "Export selected" exports the selected records in one export (at most EXPORT_SELECTION_MAX). */
  exportEntity?: ExportBody['entity'];
  /** With exportEntity "records": the custom object whose records are exported. */
  exportObject?: string;
  /** The list's own further actions. */
  children?: ReactNode;
}

/**
 * A list's bulk actions on the selected rows: add tags, change the owner, delete, through the
 * list's bulk request (100 records a request). The rows an action failed on stay selected.
 * Loaded with the first selection, not with the list.
 */
export function RecordBulkActions({
  selected,
  clear,
  list,
  owner,
  tags,
  remove,
  actions = [],
  choices = [],
  exportEntity,
  exportObject,
  children,
}: RecordBulkActionsProps) {
  const queryClient = useQueryClient();
  const [action, setAction] = useState<'tag' | 'owner' | BulkChoice | null>(null);
  const run = async (send: BulkSend) => {
    const failed = await changeInBulk(selected, send);
    setAction(null);
    clear(failed);
    await queryClient.invalidateQueries({ queryKey: [list] });
  };
  return (
    <>
      {tags && (
        <Button variant="light" onClick={() => setAction('tag')}>
          {t('bulk.tag')}
        </Button>
      )}
      {owner && (
        <Button variant="light" onClick={() => setAction('owner')}>
          {t('bulk.owner')}
        </Button>
      )}
      {choices.map((choice) => (
        <Button key={choice.label} variant="light" onClick={() => setAction(choice)}>
          {choice.label}
        </Button>
      ))}
      {actions.map(({ label, send }) => (
        <Button key={label} variant="light" onClick={() => run(send)}>
          {label}
        </Button>
      ))}
      {exportEntity && (
        <ExportButton
          entity={exportEntity}
          object={exportObject}
          filter={{ id: selected }}
          label={t('bulk.exportSelected')}
          refusal={selected.length > EXPORT_SELECTION_MAX ? t('bulk.exportTooMany', { max: EXPORT_SELECTION_MAX.toLocaleString('en') }) : undefined}
        />
      )}
      {children}
      <Button color="red" variant="light" onClick={() => run(remove)}>
        {t('bulk.delete')}
      </Button>
      {action === 'tag' && tags && <TagsModal title={tags.title} onClose={() => setAction(null)} onSave={(added) => run((ids) => tags.add(ids, added))} />}
      {action === 'owner' && owner && (
        <OwnerModal title={owner.title} onClose={() => setAction(null)} onSave={(ownerId) => run((ids) => owner.set(ids, ownerId))} />
      )}
      {typeof action === 'object' && action !== null && (
        <ChoiceModal choice={action} onClose={() => setAction(null)} onSave={(value) => run((ids) => action.send(ids, value))} />
      )}
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

function ChoiceModal({ choice, onClose, onSave }: { choice: BulkChoice; onClose: () => void; onSave: (value: string) => Promise<void> }) {
  const [value, setValue] = useState<string | null>(null);
  return (
    <BulkModal title={choice.title} onClose={onClose} onSubmit={() => onSave(value!)} ready={value !== null}>
      <Select label={choice.label} data={[...choice.options]} value={value} onChange={setValue} data-autofocus />
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

/**
 * Exports the records a filter selects (POST /exports: the list's filters, or the selected rows' ids),
 * waits for the file and downloads it. A `refusal` is shown instead of starting an export the API would refuse.
 */
export function ExportButton({
  entity,
  object,
  filter,
  label = t('bulk.export'),
  refusal,
}: {
  entity: ExportBody['entity'];
  object?: string;
  filter: Record<string, unknown>;
  label?: string;
  refusal?: string;
}) {
  const [running, setRunning] = useState(false);
  const run = async () => {
    if (refusal) {
      notifications.show({ color: 'red', message: refusal });
      return;
    }
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
      {label}
    </Button>
  );
}
