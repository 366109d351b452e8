import { Badge, Button, Group, MultiSelect, Select, TagsInput, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { useCustomFields } from '../../lib/custom-fields';
import { formatDateTime, t } from '../../lib/i18n';
import { strings } from '../../lib/list-filters';
import { useCan } from '../../lib/me';
import { conditionIssues, contactConditionsOf, contactConditionsQuery, NO_CONTACT_CONDITIONS } from './contact-filters';
import { contactName, contactsApi, LIFECYCLE_STAGES, type Contact, type ContactFilters } from './contacts-api';

// The form (and @mantine/form) loads when someone creates a contact, not with the list.
const NewContactModal = lazy(() => import('./NewContactModal').then((module) => ({ default: module.NewContactModal })));
// The bulk actions and the export load on the first selection or with the toolbar, not with the rows.
const ContactsBulkActions = lazy(() => import('./ContactsBulkActions').then((module) => ({ default: module.ContactsBulkActions })));
// The owner, company, place, date and custom field inputs load when asked for ("More filters") or when a view sets one.
const ContactConditionInputs = lazy(() => import('./ContactConditionInputs').then((module) => ({ default: module.ContactConditionInputs })));
const ContactsExportButton = lazy(() => import('./ContactsBulkActions').then((module) => ({ default: module.ContactsExportButton })));

const STAGE_OPTIONS = LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: stage.replace(/_/g, ' ') }));

export function Component() {
  const navigate = useNavigate();
  const canWrite = useCan('contacts:write');
  const canExport = useCan('exports:write');
  const [creating, setCreating] = useState(false);
  const [stages, setStages] = useState<string[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [optOut, setOptOut] = useState<string | null>(null);
  const [smsOptOut, setSmsOptOut] = useState<string | null>(null);
  const [leadSources, setLeadSources] = useState<string[]>([]);
  const [conditions, setConditions] = useState(NO_CONTACT_CONDITIONS);
  const [moreFilters, setMoreFilters] = useState(false);
  useHotkeys([['n', () => canWrite && setCreating(true)]]);
  const yesNo = [
    { value: 'true', label: t('common.yes') },
    { value: 'false', label: t('common.no') },
  ];

  const conditionsQuery = contactConditionsQuery(conditions);
  // The custom fields with an input, where the API's issue about a condition on one shows (a saved view may name a deleted one).
  const customFields = useCustomFields('contact', Object.keys(conditions.customFields).length > 0);
  const customFieldKeys = (customFields.data?.data ?? []).map((field) => field.key);
  const filters: ContactFilters = {
    lifecycleStage: stages.length ? (stages as ContactFilters['lifecycleStage']) : undefined,
    tags: tags.length ? tags : undefined,
    emailOptOut: optOut === null ? undefined : optOut === 'true',
    smsOptOut: smsOptOut === null ? undefined : smsOptOut === 'true',
    leadSource: leadSources.length ? leadSources : undefined,
    ...conditionsQuery,
  };
  const columns = useMemo<Array<RecordColumn<Contact>>>(
    () => [
      // The name column is the lastName field (what it sorts by), shown with the first name.
      { id: 'lastName', header: t('field.name'), cell: contactName, sortField: 'lastName' },
      { id: 'email', header: t('field.email'), cell: (c) => c.email },
      { id: 'phone', header: t('field.phone'), cell: (c) => c.phone },
      { id: 'companyName', header: t('field.company'), cell: (c) => c.companyName },
      { id: 'lifecycleStage', header: t('field.lifecycleStage'), cell: (c) => <Badge variant="light">{c.lifecycleStage.replace(/_/g, ' ')}</Badge> },
      { id: 'tags', header: t('field.tags'), cell: (c) => c.tags.join(', ') },
      { id: 'createdAt', header: t('field.createdAt'), cell: (c) => formatDateTime(c.createdAt), sortField: 'createdAt' },
    ],
    [],
  );

  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{t('nav.contacts')}</Title>
        <Group>
          <Button component={Link} to="/contacts/duplicates" variant="default">
            {t('duplicates.title')}
          </Button>
          {canWrite && <Button onClick={() => setCreating(true)}>{t('contacts.new')}</Button>}
        </Group>
      </Group>
      <RecordList<Contact>
        name="contacts"
        searchLabel={t('contacts.search')}
        columns={columns}
        filters={filters}
        views={{
          applyFilters: (view) => {
            setStages((view?.lifecycleStage as string[] | undefined) ?? []);
            setTags((view?.tags as string[] | undefined) ?? []);
            setOptOut(typeof view?.emailOptOut === 'boolean' ? String(view.emailOptOut) : null);
            setSmsOptOut(typeof view?.smsOptOut === 'boolean' ? String(view.smsOptOut) : null);
            setLeadSources(strings(view?.leadSource));
            setConditions(contactConditionsOf(view));
          },
        }}
        initialSort="-createdAt"
        fetchPage={(request) => contactsApi.list({ ...filters, ...request })}
        onOpen={(contact) => navigate(`/contacts/${contact.id}`)}
        toolbar={(issueAt) => (
          <>
            <MultiSelect
              label={t('field.lifecycleStage')}
              data={STAGE_OPTIONS}
              value={stages}
              onChange={setStages}
              error={issueAt('lifecycleStage')}
              clearable
              w={220}
            />
            <TagsInput label={t('field.tags')} value={tags} onChange={setTags} error={issueAt('tags')} w={200} />
            <Select label={t('field.emailOptOut')} data={yesNo} value={optOut} onChange={setOptOut} error={issueAt('emailOptOut')} clearable w={130} />
            <Select label={t('filter.smsOptOut')} data={yesNo} value={smsOptOut} onChange={setSmsOptOut} error={issueAt('smsOptOut')} clearable w={150} />
            <TagsInput label={t('field.leadSource')} value={leadSources} onChange={setLeadSources} error={issueAt('leadSource')} w={180} />
            {moreFilters || Object.keys(conditionsQuery).length > 0 ? (
              <Suspense fallback={null}>
                <ContactConditionInputs value={conditions} onChange={setConditions} errors={conditionIssues(issueAt, customFieldKeys)} />
              </Suspense>
            ) : (
              <Button variant="default" onClick={() => setMoreFilters(true)}>
                {t('filter.more')}
              </Button>
            )}
            {canExport && (
              <Suspense fallback={null}>
                <ContactsExportButton filters={filters} />
              </Suspense>
            )}
          </>
        )}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <Suspense fallback={null}>
                  <ContactsBulkActions selected={selected} clear={clear} />
                </Suspense>
              )
            : undefined
        }
      />
      {creating && (
        <Suspense fallback={null}>
          <NewContactModal opened onClose={() => setCreating(false)} onCreated={(contact) => navigate(`/contacts/${contact.id}`)} />
        </Suspense>
      )}
    </>
  );
}
