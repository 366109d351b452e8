import { Button, Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { BulkModal, changeInBulk, ExportButton, RecordBulkActions } from '../../components/BulkActions';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { useCan } from '../../lib/me';
import { t } from './bulk-i18n';
import { contactsApi, type ContactFilters } from './contacts-api';

/**
 * The contacts list's bulk actions on the selected rows: add tags (each contact keeps its own and
 * gains these), change the owner, add to a static segment, delete, through POST /contacts/bulk.
 * Loaded with the first selection, not with the list.
 */
export function ContactsBulkActions({ selected, clear }: { selected: string[]; clear: (keep?: string[]) => void }) {
  const canSegment = useCan('segments:write');
  const canExport = useCan('exports:write');
  const [adding, setAdding] = useState(false);
  return (
    <RecordBulkActions
      selected={selected}
      clear={clear}
      list="contacts"
      owner={{ title: t('bulk.contacts.ownerTitle', { count: selected.length }), set: (ids, ownerId) => contactsApi.bulk({ action: 'owner', ids, ownerId }) }}
      tags={{
        title: t('bulk.contacts.tagTitle', { count: selected.length }),
        add: (ids, tags) => contactsApi.bulk({ action: 'tag', ids, tags }),
      }}
      remove={(ids) => contactsApi.bulk({ action: 'delete', ids })}
      exportEntity={canExport ? 'contacts' : undefined}
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
          onDone={(failed) => {
            setAdding(false);
            clear(failed);
          }}
        />
      )}
    </RecordBulkActions>
  );
}

function SegmentModal({ ids, onClose, onDone }: { ids: string[]; onClose: () => void; onDone: (failed: string[]) => void }) {
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const segments = useQuery({
    queryKey: ['segments', 'static'],
    queryFn: () => unwrap(api.GET('/api/v1/segments', { params: { query: { kind: 'static', limit: 500 } } })),
  });
  const apply = async () => onDone(await changeInBulk(ids, (chunk) => contactsApi.bulk({ action: 'segment', ids: chunk, segmentId: segmentId! })));
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
        error={segments.isError ? messageOf(segments.error) : undefined}
        data-autofocus
      />
    </BulkModal>
  );
}

/** Exports the contacts the list's filters select. */
export function ContactsExportButton({ filters }: { filters: ContactFilters }) {
  return <ExportButton entity="contacts" filter={filters} />;
}
