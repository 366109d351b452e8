import { Button, Select } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { BulkModal, ExportButton, RecordBulkActions } from '../../components/BulkActions';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { useCan } from '../../lib/me';
import { t } from './bulk-i18n';
import { contactsApi, type ContactFilters } from './contacts-api';

/**
 * The contacts list's bulk actions on the selected rows: add tags (each contact keeps its own and
 * gains these), change the owner, add to a static segment, delete. Loaded with the first
 * selection, not with the list.
 */
export function ContactsBulkActions({ selected, clear }: { selected: string[]; clear: () => void }) {
  const canSegment = useCan('segments:write');
  const [adding, setAdding] = useState(false);
  return (
    <RecordBulkActions
      selected={selected}
      clear={clear}
      list="contacts"
      ownerTitle={t('bulk.contacts.ownerTitle', { count: selected.length })}
      setOwner={(id, ownerId) => contactsApi.update(id, { ownerId })}
      tags={{
        title: t('bulk.contacts.tagTitle', { count: selected.length }),
        // PATCH replaces the tags: each contact's own are read and kept.
        add: async (id, tags) => {
          const contact = await contactsApi.get(id);
          await contactsApi.update(id, { tags: [...new Set([...contact.tags, ...tags])] });
        },
      }}
      remove={(id) => contactsApi.remove(id)}
    >
      {canSegment && (
        <Button variant="light" onClick={() => setAdding(true)}>
          {t('bulk.segment')}
        </Button>
      )}
      {adding && (
        <SegmentModal
          ids={selected}
          onClose={() => setAdding(false)}
          onDone={() => {
            setAdding(false);
            clear();
          }}
        />
      )}
    </RecordBulkActions>
  );
}

function SegmentModal({ ids, onClose, onDone }: { ids: string[]; onClose: () => void; onDone: () => void }) {
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
      onDone();
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

/** Exports the contacts the list's filters select. */
export function ContactsExportButton({ filters }: { filters: ContactFilters }) {
  return <ExportButton entity="contacts" filter={filters} />;
}
