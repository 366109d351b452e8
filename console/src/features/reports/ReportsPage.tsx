import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Button, Group, Paper, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { fetchBlob, saveBlob } from '../../lib/files';
import { formatMoney } from '../../lib/i18n';
import { useCan, useMe } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { usePipelines } from '../deals/deals-api';
import { t, type MessageKey } from './i18n';
import { exportPath, REPORT_SLUGS, reportQuery, takesInterval, takesPipeline, type ReportFilters, type ReportSlug } from './report-filters';
import { pivot } from './report-table';
import { Freshness } from './ReportTableView';

type Schemas = components['schemas'];
type Answer =
  | { slug: 'pipeline'; report: Schemas['PipelineReport'] }
  | { slug: 'forecast'; report: Schemas['ForecastReport'] }
  | { slug: 'win-rate'; report: Schemas['WinRateReport'] }
  | { slug: 'lead-conversion'; report: Schemas['LeadConversionReport'] }
  | { slug: 'revenue'; report: Schemas['RevenueReport'] }
  | { slug: 'activity'; report: Schemas['ActivityReport'] }
  | { slug: 'acquisition'; report: Schemas['AcquisitionReport'] }
  | { slug: 'deal-velocity'; report: Schemas['DealVelocityReport'] };

const TAB_LABEL: Record<ReportSlug, MessageKey> = {
  pipeline: 'reports.pipelineTab',
  forecast: 'reports.forecast',
  'win-rate': 'reports.winRate',
  'lead-conversion': 'reports.funnel',
  revenue: 'reports.revenue',
  activity: 'reports.activity',
  acquisition: 'reports.acquisition',
  'deal-velocity': 'reports.velocity',
};

const COLORS = ['blue.6', 'teal.6', 'grape.6', 'orange.6', 'red.6', 'cyan.6'];

async function fetchReport(slug: ReportSlug, filters: ReportFilters): Promise<Answer> {
  const scope = { from: filters.from || undefined, to: filters.to || undefined, ownerId: filters.ownerId || undefined };
  const deals = { ...scope, pipelineId: filters.pipelineId || undefined };
  const interval = filters.interval;
  switch (slug) {
    case 'pipeline':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/pipeline', { params: { query: deals } })) };
    case 'forecast':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/forecast', { params: { query: { ...deals, interval } } })) };
    case 'win-rate':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/win-rate', { params: { query: deals } })) };
    case 'lead-conversion':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/lead-conversion', { params: { query: { ...scope, kind: filters.kind } } })) };
    case 'revenue':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/revenue', { params: { query: { ...scope, interval } } })) };
    case 'activity':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/activity', { params: { query: deals } })) };
    case 'acquisition':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/acquisition', { params: { query: { ...scope, interval } } })) };
    case 'deal-velocity':
      return { slug, report: await unwrap(api.GET('/api/v1/reports/deal-velocity', { params: { query: deals } })) };
  }
}

export function Component() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('report');
  const slug: ReportSlug = REPORT_SLUGS.find((candidate) => candidate === requested) ?? 'pipeline';
  const [filters, setFilters] = useState<ReportFilters>({ from: '', to: '', interval: 'month', kind: 'ordered', ownerId: '', pipelineId: '' });
  // A member's reports cover their own records only: no one else to pick.
  const picksOwner = useMe().data?.role !== 'member';
  const members = useWorkspaceUsers();
  const pipelines = usePipelines(useCan('pipelines:read'));
  const report = useQuery({
    queryKey: ['reports', slug, reportQuery(slug, filters)],
    queryFn: () => fetchReport(slug, filters),
    placeholderData: (previous) => (previous?.slug === slug ? previous : undefined),
    retry: false,
  });
  const issue = (field: string) => (report.error instanceof ApiError ? report.error.fieldIssue(field) : undefined);
  const fieldError = issue('from') ?? issue('to') ?? issue('interval') ?? issue('kind') ?? issue('ownerId') ?? issue('pipelineId');
  const set = (patch: Partial<ReportFilters>) => setFilters((current) => ({ ...current, ...patch }));

  const download = async (format: 'csv' | 'xlsx' | 'pdf') => {
    try {
      saveBlob(await fetchBlob(exportPath(slug, filters, format)), `${slug}.${format}`);
    } catch (error) {
      notifications.show({ color: 'red', message: t('reports.exportFailed', { message: messageOf(error) }) });
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('nav.reports')}</Title>
        <Button component={Link} to="/reports/custom" variant="subtle">
          {t('custom.open')}
        </Button>
      </Group>
      <Tabs value={slug} onChange={(value) => value && setParams({ report: value })} keepMounted={false}>
        <Tabs.List aria-label={t('reports.which')}>
          {REPORT_SLUGS.map((candidate) => (
            <Tabs.Tab key={candidate} value={candidate}>
              {t(TAB_LABEL[candidate])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          type="date"
          label={t('reports.from')}
          value={filters.from}
          onChange={(event) => set({ from: event.currentTarget.value })}
          error={issue('from')}
        />
        <TextInput type="date" label={t('reports.to')} value={filters.to} onChange={(event) => set({ to: event.currentTarget.value })} error={issue('to')} />
        {takesInterval(slug) && (
          <Select
            label={t('reports.interval')}
            value={filters.interval}
            allowDeselect={false}
            onChange={(value) => value && set({ interval: value as ReportFilters['interval'] })}
            data={[
              { value: 'month', label: t('reports.month') },
              { value: 'quarter', label: t('reports.quarter') },
            ]}
            error={issue('interval')}
          />
        )}
        {picksOwner && (
          <Select
            label={t('reports.owner')}
            placeholder={t('reports.everyone')}
            value={filters.ownerId || null}
            onChange={(value) => set({ ownerId: value ?? '' })}
            data={(members.data?.data ?? []).filter((member) => member.status === 'active').map((member) => ({ value: member.id, label: member.name }))}
            clearable
            searchable
            error={issue('ownerId')}
          />
        )}
        {takesPipeline(slug) && pipelines.data && (
          <Select
            label={t('reports.pipelineFilter')}
            placeholder={t('reports.allPipelines')}
            value={filters.pipelineId || null}
            onChange={(value) => set({ pipelineId: value ?? '' })}
            data={pipelines.data.data.map((pipeline) => ({ value: pipeline.id, label: pipeline.name }))}
            clearable
            error={issue('pipelineId')}
          />
        )}
        {slug === 'lead-conversion' && (
          <Select
            label={t('reports.funnelKind')}
            value={filters.kind}
            allowDeselect={false}
            onChange={(value) => value && set({ kind: value as ReportFilters['kind'] })}
            data={[
              { value: 'ordered', label: t('reports.funnelOrdered') },
              { value: 'any', label: t('reports.funnelAny') },
            ]}
            error={issue('kind')}
          />
        )}
        <Group gap="xs">
          {(['csv', 'xlsx', 'pdf'] as const).map((format) => (
            <Button key={format} variant="default" onClick={() => void download(format)}>
              {t('reports.export', { format: format.toUpperCase() })}
            </Button>
          ))}
        </Group>
      </Group>
      {report.isPending && <Loading />}
      {report.isError && !fieldError && <ErrorAlert error={report.error} />}
      {report.data && !report.isError && (
        <Paper withBorder p="md" component="section" aria-label={t(TAB_LABEL[report.data.slug])}>
          <Freshness asOf={report.data.report.asOf} lagMs={report.data.report.lagMs} />
          <Stack mt="sm">
            <StandardReport answer={report.data} />
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

function StandardReport({ answer }: { answer: Answer }) {
  switch (answer.slug) {
    case 'pipeline':
      return <PipelineReport rows={answer.report.data} />;
    case 'forecast':
      return <ForecastReport rows={answer.report.data} />;
    case 'win-rate':
      return <WinRateReport report={answer.report} />;
    case 'lead-conversion':
      return <FunnelReport rows={answer.report.data} />;
    case 'revenue':
      return <RevenueReport rows={answer.report.data} />;
    case 'activity':
      return <ActivityReport rows={answer.report.data} />;
    case 'acquisition':
      return <AcquisitionReport rows={answer.report.data} />;
    case 'deal-velocity':
      return <VelocityReport rows={answer.report.data} />;
  }
}

/** A caption and header row over rows of already formatted cells. */
function FigureTable({ caption, headers, rows }: { caption: string; headers: string[]; rows: Array<Array<string | number>> }) {
  if (rows.length === 0) return <Text c="dimmed">{t('reports.noRows')}</Text>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped>
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {headers.map((header) => (
              <Table.Th key={header}>{header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, index) => (
            <Table.Tr key={index}>
              {row.map((cell, column) => (
                <Table.Td key={column}>{cell}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const percent = (value: number | null) =>
  value === null ? '—' : new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(value);
const currenciesOf = (rows: Array<{ currency: string }>) => [...new Set(rows.map((row) => row.currency))].sort();

function PipelineReport({ rows }: { rows: Schemas['PipelineReport']['data'] }) {
  const currencies = currenciesOf(rows);
  if (currencies.length === 0) return <Text c="dimmed">{t('reports.noOpenDeals')}</Text>;
  return currencies.map((currency) => {
    const ofCurrency = rows.filter((row) => row.currency === currency).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    return (
      <Stack key={currency} gap="xs">
        <Title order={2} size="h4">
          {t('reports.pipeline', { currency })}
        </Title>
        <BarChart
          h={260}
          data={ofCurrency.map((row) => ({ stage: row.stageName ?? row.stageId, amount: row.amount, weighted: row.weightedAmount }))}
          dataKey="stage"
          valueFormatter={(value) => formatMoney(value, currency)}
          series={[
            { name: 'amount', label: t('reports.amount'), color: 'blue.6' },
            { name: 'weighted', label: t('reports.weighted'), color: 'teal.6' },
          ]}
        />
      </Stack>
    );
  });
}

function ForecastReport({ rows }: { rows: Schemas['ForecastReport']['data'] }) {
  const currencies = currenciesOf(rows);
  return (
    <>
      {currencies.map((currency) => {
        const chart = pivot(
          rows.filter((row) => row.currency === currency),
          (row) => row.period,
          (row) => row.category,
          (row) => row.amount,
        );
        return (
          <Stack key={currency} gap="xs">
            <Title order={2} size="h4">
              {`${t('reports.forecast')} (${currency})`}
            </Title>
            <BarChart
              h={240}
              type="stacked"
              data={chart.data}
              dataKey="x"
              valueFormatter={(value) => formatMoney(value, currency)}
              series={chart.series.map((name, index) => ({ name, color: COLORS[index % COLORS.length]! }))}
            />
          </Stack>
        );
      })}
      <FigureTable
        caption={t('reports.forecast')}
        headers={[t('reports.period'), t('reports.category'), t('reports.count'), t('reports.amount'), t('reports.weighted')]}
        rows={rows.map((row) => [row.period, row.category, row.count, formatMoney(row.amount, row.currency), formatMoney(row.weightedAmount, row.currency)])}
      />
    </>
  );
}

function WinRateReport({ report }: { report: Schemas['WinRateReport'] }) {
  return (
    <>
      <Group gap="xl">
        <Text fw={700} data-figure="win-rate">
          {t('reports.winRateValue', { rate: percent(report.winRate) })}
        </Text>
        <Text>{`${t('reports.won')}: ${report.won}`}</Text>
        <Text>{`${t('reports.lost')}: ${report.lost}`}</Text>
        {report.averageCycleDays !== null && <Text>{t('reports.averageCycle', { days: Math.round(report.averageCycleDays * 10) / 10 })}</Text>}
      </Group>
      <FigureTable
        caption={t('reports.winRate')}
        headers={[t('reports.currency'), t('reports.won'), t('reports.lost'), t('reports.wonAmount'), t('reports.lostAmount'), t('reports.winRate')]}
        rows={report.byCurrency.map((row) => [
          row.currency,
          row.won,
          row.lost,
          formatMoney(row.wonAmount, row.currency),
          formatMoney(row.lostAmount, row.currency),
          percent(row.winRate),
        ])}
      />
    </>
  );
}

function FunnelReport({ rows }: { rows: Schemas['LeadConversionReport']['data'] }) {
  return (
    <>
      {rows.some((row) => row.count > 0) && (
        <BarChart h={240} data={rows} dataKey="stage" series={[{ name: 'count', label: t('reports.count'), color: 'blue.6' }]} />
      )}
      <FigureTable
        caption={t('reports.funnel')}
        headers={[t('reports.stage'), t('reports.count'), t('reports.stepConversion'), t('reports.cumulative')]}
        rows={rows.map((row) => [row.stage, row.count, percent(row.stepConversion), percent(row.cumulativeConversion)])}
      />
    </>
  );
}

function RevenueReport({ rows }: { rows: Schemas['RevenueReport']['data'] }) {
  return (
    <>
      {currenciesOf(rows).map((currency) => (
        <Stack key={currency} gap="xs">
          <Title order={2} size="h4">
            {`${t('reports.revenue')} (${currency})`}
          </Title>
          <BarChart
            h={240}
            data={rows.filter((row) => row.currency === currency)}
            dataKey="period"
            valueFormatter={(value) => formatMoney(value, currency)}
            series={[
              { name: 'invoiced', label: t('reports.invoiced'), color: 'blue.6' },
              { name: 'paid', label: t('reports.paid'), color: 'teal.6' },
              { name: 'credited', label: t('reports.credited'), color: 'orange.6' },
            ]}
          />
        </Stack>
      ))}
      <FigureTable
        caption={t('reports.revenue')}
        headers={[t('reports.period'), t('reports.currency'), t('reports.invoiced'), t('reports.paid'), t('reports.credited')]}
        rows={rows.map((row) => [
          row.period,
          row.currency,
          formatMoney(row.invoiced, row.currency),
          formatMoney(row.paid, row.currency),
          formatMoney(row.credited, row.currency),
        ])}
      />
    </>
  );
}

function ActivityReport({ rows }: { rows: Schemas['ActivityReport']['data'] }) {
  const measures = ['tasksCompleted', 'notesCreated', 'emailsSent', 'dealsWon', 'dealsLost'] as const;
  const members = useWorkspaceUsers();
  // A user no longer listed (removed from the workspace) keeps their figures under their id.
  const nameOf = (userId: string) => members.data?.data.find((member) => member.id === userId)?.name ?? userId;
  const named = rows.map((row) => ({ ...row, user: nameOf(row.userId) }));
  return (
    <>
      {rows.length > 0 && (
        <BarChart
          h={240}
          data={named}
          dataKey="user"
          series={measures.map((name, index) => ({ name, label: t(`reports.${name}`), color: COLORS[index % COLORS.length]! }))}
        />
      )}
      <FigureTable
        caption={t('reports.activity')}
        headers={[t('reports.user'), ...measures.map((name) => t(`reports.${name}`))]}
        rows={named.map((row) => [row.user, ...measures.map((name) => row[name])])}
      />
    </>
  );
}

function AcquisitionReport({ rows }: { rows: Schemas['AcquisitionReport']['data'] }) {
  const chart = pivot(
    rows,
    (row) => row.period,
    (row) => row.leadSource ?? '—',
    (row) => row.newCustomers,
  );
  return (
    <>
      {rows.length > 0 && (
        <BarChart
          h={240}
          type="stacked"
          data={chart.data}
          dataKey="x"
          series={chart.series.map((name, index) => ({ name, color: COLORS[index % COLORS.length]! }))}
        />
      )}
      <FigureTable
        caption={t('reports.acquisition')}
        headers={[t('reports.period'), t('reports.leadSource'), t('reports.newCustomers')]}
        rows={rows.map((row) => [row.period, row.leadSource ?? '—', row.newCustomers])}
      />
    </>
  );
}

function VelocityReport({ rows }: { rows: Schemas['DealVelocityReport']['data'] }) {
  const sorted = [...rows].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const data = sorted.map((row) => ({ stage: row.stageName ?? row.stageId, averageDays: Math.round(row.averageDays * 10) / 10, deals: row.deals }));
  return (
    <>
      {data.length > 0 && <BarChart h={240} data={data} dataKey="stage" series={[{ name: 'averageDays', label: t('reports.averageDays'), color: 'blue.6' }]} />}
      <FigureTable
        caption={t('reports.velocity')}
        headers={[t('reports.stage'), t('reports.averageDays'), t('reports.count')]}
        rows={data.map((row) => [row.stage, row.averageDays, row.deals])}
      />
    </>
  );
}
