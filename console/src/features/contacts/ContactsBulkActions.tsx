import { Button, Group, Modal, Select, TagsInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { fetchBlob, saveBlob } from '../../lib/files';
import { t } from './bulk-i18n';
import { useCan } from '../../lib/me';
import { contactsApi, type ContactFilters } from './contacts-api';
import { useWorkspaceUsers } from '../../lib/users';

type Action = 'tag' | 'owner' | 'segment';

/** Runs one request per contact and says how many succeeded, naming the first failure. */
async function eachContact(ids: string[], run: (id: string) => Promise<unknown>): Promise<void> {
  const results = await Promise.allSettled(ids.map(run));
  const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  notifications.show(
    failed.length
      ? { color: 'red', message: t('bulk.failed', { count: failed.length, message: messageOf(failed[0]!.reason) }) }
      : { color: 'green', message: t('bulk.done', { count: ids.length }) },
  );
}

/**
 * The contacts list's bulk actions on the selected rows: add tags (each contact keeps its own and
 * gains these), change the owner, add to a static segment. Loaded with the first selection, not
 * with the list.
 */
export function ContactsBulkActions({ selected, clear }: { selected: string[]; clear: () => void }) {
  const queryClient = useQueryClient();
  const canSegment = useCan('segments:write');
  const [action, setAction] = useState<Action | null>(null);
  const done = async () => {
    setAction(null);
    clear();
    await queryClient.invalidateQueries({ queryKey: ['contacts'] });
  };
  return (
    <>
      <Button variant="light" onClick={() => setAction('tag')}>
        {t('bulk.tag')}
      </Button>
      <Button variant="light" onClick={() => setAction('owner')}>
        {t('bulk.owner')}
      </Button>
      {canSegment && (
        <Button variant="light" onClick={() => setAction('segment')}>
          {t('bulk.segment')}
        </Button>
      )}
      {action === 'tag' && <TagModal ids={selected} onClose={() => setAction(null)} onDone={done} />}
      {action === 'owner' && <OwnerModal ids={selected} onClose={() => setAction(null)} onDone={done} />}
      {action === 'segment' && <SegmentModal ids={selected} onClose={() => setAction(null)} onDone={done} />}
    </>
  );
}

interface ModalProps {
  ids: string[];
  onClose: () => void;
  onDone: () => Promise<void>;
}

function BulkModal({
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

function TagModal({ ids, onClose, onDone }: ModalProps) {
  const [tags, setTags] = useState<string[]>([]);
  const apply = async () => {
    // PATCH replaces the tags: each contact's own are read and kept.
    await eachContact(ids, async (id) => {
      const contact = await contactsApi.get(id);
      await contactsApi.update(id, { tags: [...new Set([...contact.tags, ...tags])] });
    });
    await onDone();
  };
  return (
    <BulkModal title={t('bulk.tagTitle', { count: ids.length })} onClose={onClose} onSubmit={apply} ready={tags.length > 0}>
      <TagsInput label={t('field.tags')} value={tags} onChange={setTags} data-autofocus />
    </BulkModal>
  );
}

function OwnerModal({ ids, onClose, onDone }: ModalProps) {
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const users = useWorkspaceUsers();
  const apply = async () => {
    await eachContact(ids, (id) => contactsApi.update(id, { ownerId }));
    await onDone();
  };
  const members = (users.data?.data ?? [])
    .filter((user) => user.status === 'active')
    .map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));
  return (
    <BulkModal title={t('bulk.ownerTitle', { count: ids.length })} onClose={onClose} onSubmit={apply} ready={ownerId !== null}>
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

function SegmentModal({ ids, onClose, onDone }: ModalProps) {
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const segments = useQuery({
    queryKey: ['segments', 'static'],
    queryFn: () => unwrap(api.GET('/api/v1/segments', { params: { query: { kind: 'static', limit: 500 } } })),
  });
  const apply = async () => {
    try {
      // One request: a static segment takes the ids together.
      await unwrap(api.POST('/api/v1/segments/{id}/contacts', { params: { path: { id: segmentId! } }, body: { contactIds: ids } }));
      notifications.show({ color: 'green', message: t('bulk.done', { count: ids.length }) });
      await onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const options = (segments.data?.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }));
  return (
    <BulkModal title={t('bulk.segmentTitle', { count: ids.length })} onClose={onClose} onSubmit={apply} ready={segmentId !== null}>
      <Select
        label={t('bulk.staticSegment')}
        data={options}
        value={segmentId}
        onChange={setSegmentId}
        searchable
        nothingFoundMessage={t('bulk.noSegments')}
        error={error ?? (segments.isError ? messageOf(segments.error) : undefined)}
        data-autofocus
      />
    </BulkModal>
  );
}

const EXPORT_POLL_MS = 1000;

/** Exports the contacts the list's filters select (POST /exports), waits for the file and downloads it. */
export function ContactsExportButton({ filters }: { filters: ContactFilters }) {
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    try {
      const filter = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
      const { id } = await unwrap(api.POST('/api/v1/exports', { body: { entity: 'contacts', filter, format: 'csv' } }));
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
