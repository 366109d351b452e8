import { Badge, Button, Grid, Group, Modal, Paper, Select, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { components } from '../../api/schema';
import { CustomFieldsPanel } from '../../components/CustomFieldsPanel';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InlineField } from '../../components/InlineField';
import { Loading } from '../../components/Loading';
import { RecordHeader } from '../../components/RecordHeader';
import { RecordActivity } from '../../components/RecordPanels';
import { BilledInvoices } from '../invoices/BilledInvoices';
import { ApiError, messageOf } from '../../lib/api-error';
import { formatMoney } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { minorToInput, parseMoney } from '../../lib/money';
import { DealLinks } from './DealLinks';
import { dealsApi, type Deal, type Stage, usePipelines } from './deals-api';

export function Component() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canWrite = useCan('deals:write');
  const canBill = useCan('billing:write');
  const canReadBilling = useCan('billing:read');
  const deal = useQuery({ queryKey: ['deals', id], queryFn: () => dealsApi.get(id) });
  const pipelines = usePipelines();
  const [askLost, setAskLost] = useState<Stage | null>(null);
  const [stageError, setStageError] = useState<string | null>(null);

  const refresh = async (updated: Deal) => {
    queryClient.setQueryData(['deals', id], updated);
    await queryClient.invalidateQueries({ queryKey: ['deals', 'board'] });
    await queryClient.invalidateQueries({ queryKey: ['timeline', id] });
  };
  const save = async (body: components['schemas']['UpdateDealBody']) => refresh(await dealsApi.update(id, body));
  const move = async (stage: Stage, lostReason?: string) => {
    try {
      await refresh(await dealsApi.move(id, stage.id, lostReason));
      setStageError(null);
      setAskLost(null);
    } catch (error) {
      setStageError(error instanceof ApiError ? (error.fieldIssue('stageId') ?? error.message) : messageOf(error));
    }
  };
  const invoice = useMutation({
    mutationFn: () => dealsApi.invoice(id),
    onSuccess: (created) => navigate(`/invoices/${created.id}`),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
  });

  if (deal.isPending) return <Loading />;
  if (deal.isError) return <ErrorAlert error={deal.error} />;
  const record = deal.data;
  const stages = [...(pipelines.data?.data.find((p) => p.id === record.pipelineId)?.stages ?? [])].sort((a, b) => a.position - b.position);
  const saveAmount = async (value: string | null) => {
    const amount = value === null ? null : parseMoney(value, record.currency);
    if (amount === null || amount < 0)
      throw new ApiError(422, 'validation_failed', t('deals.amountInvalid'), [{ field: 'amount', issue: t('deals.amountInvalid') }]);
    await save({ amount });
  };

  return (
    <Stack>
      <RecordHeader
        backTo={`/deals?pipelineId=${record.pipelineId}`}
        backLabel={t('nav.deals')}
        title={record.name}
        subtitle={
          <>
            {formatMoney(record.amount, record.currency)}
            {record.lostReason ? ` · ${t('field.lostReason')}: ${record.lostReason}` : ''}
          </>
        }
      >
        <Group>
          <Badge size="lg" variant="light">
            {record.status}
          </Badge>
          {canBill && (
            <Button variant="light" onClick={() => invoice.mutate()} loading={invoice.isPending}>
              {t('deals.createInvoice')}
            </Button>
          )}
        </Group>
      </RecordHeader>
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('contacts.details')}
              </Title>
              <SimpleGrid cols={1} spacing="sm">
                <InlineField field="name" label={t('field.name')} value={record.name} disabled={!canWrite} onSave={(name) => save({ name: name ?? '' })} />
                <Select
                  label={t('deals.stage')}
                  data={stages.map((stage) => ({ value: stage.id, label: stage.name }))}
                  value={record.stageId}
                  disabled={!canWrite}
                  allowDeselect={false}
                  error={stageError}
                  onChange={(stageId) => {
                    const stage = stages.find((s) => s.id === stageId);
                    if (!stage || stage.id === record.stageId) return;
                    if (stage.kind === 'lost') setAskLost(stage);
                    else void move(stage);
                  }}
                />
                <InlineField
                  field="amount"
                  label={t('field.amount')}
                  value={minorToInput(record.amount, record.currency)}
                  disabled={!canWrite}
                  onSave={saveAmount}
                />
                <InlineField
                  field="currency"
                  label={t('field.currency')}
                  value={record.currency}
                  disabled={!canWrite}
                  onSave={(currency) => save({ currency: currency ?? '' })}
                />
                <InlineField
                  field="expectedCloseDate"
                  label={t('deals.expectedClose')}
                  type="date"
                  value={record.expectedCloseDate}
                  disabled={!canWrite}
                  onSave={(expectedCloseDate) => save({ expectedCloseDate })}
                />
                <InlineField
                  field="description"
                  label={t('deals.description')}
                  value={record.description}
                  disabled={!canWrite}
                  onSave={(description) => save({ description })}
                />
              </SimpleGrid>
            </Paper>
            <CustomFieldsPanel entity="deal" values={record.customFields} disabled={!canWrite} onSave={(customFields) => save({ customFields })} />
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('deals.linked')}
              </Title>
              <DealLinks deal={record} disabled={!canWrite} onSave={save} />
            </Paper>
            {canReadBilling && <BilledInvoices billed={{ dealId: id }} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <RecordActivity related={{ type: 'deal', id }} />
        </Grid.Col>
      </Grid>
      {askLost && <LostReasonModal deal={record} onClose={() => setAskLost(null)} onConfirm={(reason) => move(askLost, reason)} error={stageError} />}
    </Stack>
  );
}

function LostReasonModal({
  deal,
  onClose,
  onConfirm,
  error,
}: {
  deal: Deal;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<void>;
  error: string | null;
}) {
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  return (
    <Modal opened onClose={onClose} title={t('deals.lostTitle', { name: deal.name })}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setSaving(true);
          void onConfirm(reason.trim()).finally(() => setSaving(false));
        }}
      >
        <TextInput
          label={t('field.lostReason')}
          required
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={error}
          mb="md"
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit" color="red" loading={saving} disabled={!reason.trim()}>
            {t('deals.markLost')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
