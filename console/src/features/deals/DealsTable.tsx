import { Badge, Button, Group, MultiSelect, Select, TextInput, Title } from '@mantine/core';
import { DayFilterInputs, dayFilterIssues } from '../../components/DayFilterInputs';
import { useHotkeys } from '@mantine/hooks';
import { useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { CompanyPicker, ContactPicker } from '../../components/RecordPickers';
import { LazyExportButton, LazyRecordBulkActions } from '../../components/LazyBulkActions';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { formatDateTime, formatMoney } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { DEAL_STATUSES, dealAmountBound, dealFilterState, dealQuery, NO_DEAL_FILTERS, type DealFilterState } from './deal-filters';
import { dealsApi, usePipelines, type Deal } from './deals-api';
import { t } from './i18n';
import { NewDealModal } from './NewDealModal';
import { CURRENCIES } from '../../lib/money';

/** Every deal of the workspace in one list: filters of GET /deals, sorting, saved views, column chooser, bulk actions. */
export function DealsTable({ layout }: { layout: ReactNode }) {
  const navigate = useNavigate();
  const canWrite = useCan('deals:write');
  const canExport = useCan('exports:write');
  const pipelines = usePipelines();
  const users = useWorkspaceUsers();
  const [creating, setCreating] = useState(false);
  const [state, setState] = useState<DealFilterState>(NO_DEAL_FILTERS);
  useHotkeys([['n', () => canWrite && setCreating(true)]]);
  const set = (changes: Partial<DealFilterState>) => setState((current) => ({ ...current, ...changes }));
  const filters = dealQuery(state);

  const pipelineList = pipelines.data?.data;
  const defaultPipeline = pipelineList?.find((pipeline) => pipeline.isDefault) ?? pipelineList?.[0];
  const userList = users.data?.data;
  const columns = useMemo<Array<RecordColumn<Deal>>>(() => {
    const pipelineName = new Map(pipelineList?.map((pipeline) => [pipeline.id, pipeline.name]));
    const stageName = new Map(pipelineList?.flatMap((pipeline) => pipeline.stages.map((stage) => [stage.id, stage.name])));
    const userName = new Map(userList?.map((user) => [user.id, user.name]));
    return [
      { id: 'name', header: t('field.name'), cell: (deal) => deal.name, sortField: 'name' },
      { id: 'amount', header: t('field.amount'), cell: (deal) => formatMoney(deal.amount, deal.currency), sortField: 'amount' },
      { id: 'pipelineId', header: t('deals.pipeline'), cell: (deal) => pipelineName.get(deal.pipelineId) },
      { id: 'stageId', header: t('deals.stage'), cell: (deal) => stageName.get(deal.stageId) },
      { id: 'status', header: t('field.status'), cell: (deal) => <Badge variant="light">{t(`deals.status.${deal.status}`)}</Badge> },
      { id: 'ownerId', header: t('deals.owner'), cell: (deal) => (deal.ownerId ? userName.get(deal.ownerId) : null) },
      { id: 'expectedCloseDate', header: t('deals.expectedClose'), cell: (deal) => deal.expectedCloseDate, sortField: 'expectedCloseDate' },
      { id: 'closedAt', header: t('deals.closedAt'), cell: (deal) => formatDateTime(deal.closedAt) },
      { id: 'createdAt', header: t('field.createdAt'), cell: (deal) => formatDateTime(deal.createdAt), sortField: 'createdAt' },
      { id: 'updatedAt', header: t('deals.updatedAt'), cell: (deal) => formatDateTime(deal.updatedAt), sortField: 'updatedAt' },
    ];
  }, [pipelineList, userList]);

  // The stages of the pipelines chosen (of every pipeline when none is), grouped by pipeline.
  const stageOptions = (pipelineList ?? [])
    .filter((pipeline) => state.pipelineId.length === 0 || state.pipelineId.includes(pipeline.id))
    .map((pipeline) => ({
      group: pipeline.name,
      items: [...pipeline.stages].sort((a, b) => a.position - b.position).map((stage) => ({ value: stage.id, label: stage.name })),
    }));
  const amountError = (text: string) =>
    dealAmountBound(text, state.amountCurrency) === null ? t('deals.amountFilterInvalid', { currency: state.amountCurrency }) : undefined;

  return (
    <>
      <Group justify="space-between" mb="md">
        <Group align="center">
          <Title order={1}>{t('nav.deals')}</Title>
          {layout}
        </Group>
        {canWrite && defaultPipeline && <Button onClick={() => setCreating(true)}>{t('deals.new')}</Button>}
      </Group>
      <RecordList<Deal>
        name="deals"
        searchLabel={t('deals.search')}
        columns={columns}
        filters={filters}
        views={{
          // The amounts stay read in the currency picked: it is how they are typed, not a condition a view keeps.
          applyFilters: (view) =>
            setState((current) => (view ? dealFilterState(view, current.amountCurrency) : { ...NO_DEAL_FILTERS, amountCurrency: current.amountCurrency })),
        }}
        initialSort="-createdAt"
        fetchPage={(request) => unwrap(api.GET('/api/v1/deals', { params: { query: { ...filters, ...request } } }))}
        onOpen={(deal) => navigate(`/deals/${deal.id}`)}
        toolbar={(issueAt) => (
          <>
            <MultiSelect
              label={t('deals.pipeline')}
              data={(pipelineList ?? []).map((pipeline) => ({ value: pipeline.id, label: pipeline.name }))}
              value={state.pipelineId}
              onChange={(pipelineId) => set({ pipelineId })}
              error={issueAt('pipelineId')}
              clearable
              w={200}
            />
            <MultiSelect
              label={t('deals.stage')}
              data={stageOptions}
              value={state.stageId}
              onChange={(stageId) => set({ stageId })}
              error={issueAt('stageId')}
              clearable
              w={200}
            />
            <MultiSelect
              label={t('field.status')}
              data={DEAL_STATUSES.map((status) => ({ value: status, label: t(`deals.status.${status}`) }))}
              value={state.status}
              onChange={(status) => set({ status: status as DealFilterState['status'] })}
              error={issueAt('status')}
              clearable
              w={180}
            />
            <MultiSelect
              label={t('deals.owner')}
              data={(userList ?? []).map((user) => ({ value: user.id, label: user.name }))}
              value={state.ownerId}
              onChange={(ownerId) => set({ ownerId })}
              error={issueAt('ownerId')}
              searchable
              clearable
              w={200}
            />
            <CompanyPicker
              label={t('filter.company')}
              value={state.companyId}
              onChange={(companyId) => set({ companyId })}
              error={issueAt('companyId')}
              w={220}
            />
            <ContactPicker label={t('filter.contact')} value={state.contactId} onChange={(contactId) => set({ contactId })} w={220} />
            <Select
              label={t('deals.amountCurrency')}
              data={CURRENCIES}
              value={state.amountCurrency}
              onChange={(currency) => currency && set({ amountCurrency: currency })}
              searchable
              allowDeselect={false}
              w={110}
            />
            <TextInput
              label={t('deals.amountFrom')}
              inputMode="decimal"
              value={state.amountFrom}
              onChange={(event) => set({ amountFrom: event.currentTarget.value })}
              error={amountError(state.amountFrom) ?? issueAt('amountFrom')}
              w={120}
            />
            <TextInput
              label={t('deals.amountTo')}
              inputMode="decimal"
              value={state.amountTo}
              onChange={(event) => set({ amountTo: event.currentTarget.value })}
              error={amountError(state.amountTo) ?? issueAt('amountTo')}
              w={120}
            />
            <DayFilterInputs
              fields={[
                ['expectedCloseDateFrom', t('deals.closeFrom')],
                ['expectedCloseDateTo', t('deals.closeTo')],
                ['createdFrom', t('filter.createdFrom')],
                ['createdTo', t('filter.createdTo')],
              ]}
              values={state}
              onChange={set}
              errors={dayFilterIssues(
                {
                  expectedCloseDateFrom: 'expectedCloseDateFrom',
                  expectedCloseDateTo: 'expectedCloseDateTo',
                  createdFrom: 'createdAtFrom',
                  createdTo: 'createdAtTo',
                },
                issueAt,
              )}
            />
            {canExport && <LazyExportButton entity="deals" filter={filters} />}
          </>
        )}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <LazyRecordBulkActions
                  selected={selected}
                  clear={clear}
                  list="deals"
                  owner={{
                    title: t('deals.bulkOwnerTitle', { count: selected.length }),
                    set: (ids, ownerId) => dealsApi.bulk({ action: 'owner', ids, ownerId }),
                  }}
                  remove={(ids) => dealsApi.bulk({ action: 'delete', ids })}
                  exportEntity={canExport ? 'deals' : undefined}
                />
              )
            : undefined
        }
      />
      {defaultPipeline && <NewDealModal opened={creating} onClose={() => setCreating(false)} pipelineId={defaultPipeline.id} />}
    </>
  );
}
