import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { applyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { campaignsApi, fillPlaceholders, IN_FLIGHT, placeholderValues, type Campaign, type CampaignCounts } from './campaigns-api';
import { t, type MessageKey } from './i18n';

const FIELDS = ['name', 'subject', 'body', 'templateId', 'segmentId'] as const;
// The audience's count is asked again while the composer is open: the segment changes under it.
const COUNT_EVERY_MS = 10_000;
const COUNTS: Array<{ key: keyof CampaignCounts; label: MessageKey }> = [
  { key: 'total', label: 'campaigns.count.total' },
  { key: 'queued', label: 'campaigns.count.queued' },
  { key: 'sent', label: 'campaigns.count.sent' },
  { key: 'skippedOptedOut', label: 'campaigns.count.skippedOptedOut' },
  { key: 'skippedNoAddress', label: 'campaigns.count.skippedNoAddress' },
  { key: 'failed', label: 'campaigns.count.failed' },
  { key: 'cancelled', label: 'campaigns.count.cancelled' },
  { key: 'unsubscribed', label: 'campaigns.count.unsubscribed' },
];

export function Component() {
  const { id } = useParams();
  const campaign = useQuery({
    queryKey: ['campaigns', id],
    queryFn: () => campaignsApi.get(id!),
    enabled: !!id,
    refetchInterval: (query) => (query.state.data && IN_FLIGHT.has(query.state.data.status) ? 2000 : false),
  });
  if (id && campaign.isError) return <ErrorAlert error={campaign.error} />;
  if (id && !campaign.data) return <Loading />;
  if (campaign.data && campaign.data.status !== 'draft') return <Sending campaign={campaign.data} />;
  return <Composer key={campaign.data?.id ?? 'new'} campaign={campaign.data} />;
}

function Composer({ campaign }: { campaign: Campaign | undefined }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canWrite = useCan('campaigns:write');
  const canTemplates = useCan('email-templates:manage');
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: campaign?.name ?? '',
      subject: campaign?.subject ?? '',
      content: campaign?.templateId ? 'template' : 'write',
      body: campaign?.body ?? '',
      templateId: campaign?.templateId ?? null,
      segmentId: campaign?.audience.segmentId ?? null,
    },
  });
  const { values } = form;
  const segments = useQuery({ queryKey: ['segments'], queryFn: campaignsApi.segments });
  const templates = useQuery({ queryKey: ['email-templates'], queryFn: campaignsApi.templates, enabled: canTemplates });
  const count = useQuery({
    queryKey: ['segments', values.segmentId, 'count'],
    queryFn: () => campaignsApi.segmentCount(values.segmentId!),
    enabled: !!values.segmentId,
    refetchInterval: COUNT_EVERY_MS,
  });
  // The preview shows the email as the audience's first contact would read it.
  const sample = useQuery({
    queryKey: ['segments', values.segmentId, 'members', 1],
    queryFn: () => campaignsApi.segmentMembers(values.segmentId!, 1),
    enabled: !!values.segmentId,
  });
  const contact = sample.data?.data[0] ?? null;

  const save = async (): Promise<Campaign> => {
    const body = {
      name: values.name,
      channel: 'email' as const,
      audience: values.segmentId ? { segmentId: values.segmentId } : {},
      ...(values.content === 'template'
        ? { templateId: values.templateId, subject: null, body: null }
        : { subject: values.subject, body: values.body, templateId: null }),
    };
    const saved = campaign ? await campaignsApi.update(campaign.id, body) : await campaignsApi.create(body);
    await queryClient.invalidateQueries({ queryKey: ['campaigns'] });
    return saved;
  };
  const run = (andSend: boolean) =>
    form.onSubmit(async () => {
      setError(null);
      try {
        const saved = await save();
        if (andSend) await campaignsApi.send(saved.id);
        await queryClient.invalidateQueries({ queryKey: ['campaigns'] });
        navigate(`/campaigns/${saved.id}`, { replace: !!campaign });
      } catch (failure) {
        // The audience's issues (audience, audience.segmentId) belong to the segment picker.
        setError(
          applyApiError(failure, [...FIELDS, 'audience', 'audience.segmentId'], (field, issue) =>
            form.setFieldError(field.startsWith('audience') ? 'segmentId' : field, issue),
          ),
        );
      }
    });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{campaign ? campaign.name : t('campaigns.new')}</Title>
        <Anchor component={Link} to="/campaigns">
          {t('common.back')}
        </Anchor>
      </Group>
      <form onSubmit={run(false)} noValidate>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Stack>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput label={t('field.name')} required {...form.getInputProps('name')} disabled={!canWrite} />
            <Select
              label={t('campaigns.audience')}
              placeholder={t('campaigns.pickSegment')}
              data={(segments.data?.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }))}
              searchable
              {...form.getInputProps('segmentId')}
              disabled={!canWrite}
            />
            {values.segmentId && (
              <Text size="sm" role="status" aria-live="polite">
                {count.data ? t('campaigns.audienceCount', { count: count.data.count }) : t('common.loading')}
              </Text>
            )}
            <Anchor component={Link} to="/campaigns/segments" size="sm">
              {t('campaigns.segments')}
            </Anchor>
            {canTemplates && (
              <>
                <Text size="sm" fw={500} id="campaign-content">
                  {t('campaigns.content')}
                </Text>
                <SegmentedControl
                  aria-labelledby="campaign-content"
                  data={[
                    { value: 'write', label: t('campaigns.write') },
                    { value: 'template', label: t('campaigns.useTemplate') },
                  ]}
                  {...form.getInputProps('content')}
                  disabled={!canWrite}
                />
              </>
            )}
            {values.content === 'template' ? (
              <Select
                label={t('campaigns.template')}
                data={(templates.data?.data ?? []).map((template) => ({ value: template.id, label: template.name }))}
                {...form.getInputProps('templateId')}
                disabled={!canWrite}
              />
            ) : (
              <>
                <TextInput label={t('campaigns.subject')} description={t('campaigns.placeholders')} {...form.getInputProps('subject')} disabled={!canWrite} />
                <Textarea label={t('campaigns.body')} autosize minRows={6} {...form.getInputProps('body')} disabled={!canWrite} />
              </>
            )}
            {canWrite && (
              <Group justify="flex-end">
                <Button type="submit" variant="default" loading={form.submitting}>
                  {t('campaigns.saveDraft')}
                </Button>
                <Button onClick={() => run(true)()} loading={form.submitting}>
                  {t('campaigns.sendNow')}
                </Button>
              </Group>
            )}
          </Stack>
          <Preview
            contactName={contact ? [contact.firstName, contact.lastName].filter(Boolean).join(' ') || (contact.email ?? '') : null}
            values={placeholderValues(contact)}
            subject={values.subject}
            body={values.body}
            templateId={values.content === 'template' ? values.templateId : null}
          />
        </SimpleGrid>
      </form>
    </Stack>
  );
}

/** The email as its reader sees it: the body in a sandboxed frame (no script, no same-origin access). */
function Preview({
  contactName,
  values,
  subject,
  body,
  templateId,
}: {
  contactName: string | null;
  values: Record<string, unknown>;
  subject: string;
  body: string;
  templateId: string | null;
}) {
  const rendered = useQuery({
    queryKey: ['email-templates', templateId, 'preview', values],
    queryFn: () => campaignsApi.previewTemplate(templateId!, { data: values }),
    enabled: !!templateId,
  });
  const shown = templateId
    ? { subject: rendered.data?.subject ?? '', html: rendered.data?.html ?? '' }
    : { subject: fillPlaceholders(subject, values, false), html: fillPlaceholders(body, values) };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="campaign-preview">
      <Title order={2} size="h4" id="campaign-preview">
        {contactName ? t('campaigns.previewFor', { name: contactName }) : t('campaigns.preview')}
      </Title>
      {rendered.isError && <ErrorAlert error={rendered.error} />}
      <Text size="sm" mt="sm" data-preview="subject">
        <Text span c="dimmed">
          {t('campaigns.subject')}:{' '}
        </Text>
        {shown.subject}
      </Text>
      <iframe
        title={t('campaigns.previewBody')}
        sandbox=""
        srcDoc={shown.html}
        style={{ width: '100%', minHeight: 320, border: '1px solid var(--mantine-color-default-border)', marginTop: 8, background: 'white' }}
      />
    </Paper>
  );
}

function Sending({ campaign }: { campaign: Campaign }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('campaigns:write');
  const cancel = useMutation({
    mutationFn: () => campaignsApi.cancel(campaign.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['campaigns'] }),
  });
  const { counts } = campaign;
  const done = counts.total - counts.queued;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{campaign.name}</Title>
        <Anchor component={Link} to="/campaigns">
          {t('common.back')}
        </Anchor>
      </Group>
      <Group>
        <Badge variant="light">{campaign.status}</Badge>
        {campaign.scheduledAt && <Text size="sm">{t('campaigns.scheduledFor', { when: formatDateTime(campaign.scheduledAt) })}</Text>}
        {campaign.finishedAt && <Text size="sm">{t('campaigns.finishedAt', { when: formatDateTime(campaign.finishedAt) })}</Text>}
      </Group>
      {campaign.failureReason && <Alert color="red">{campaign.failureReason}</Alert>}
      <Progress value={counts.total ? (done / counts.total) * 100 : 0} animated={IN_FLIGHT.has(campaign.status)} aria-label={t('campaigns.progress')} />
      <Table maw={420} aria-label={t('campaigns.counts')}>
        <Table.Tbody>
          {COUNTS.map(({ key, label }) => (
            <Table.Tr key={key} data-count={key}>
              <Table.Th scope="row">{t(label)}</Table.Th>
              <Table.Td>{counts[key]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {canWrite && IN_FLIGHT.has(campaign.status) && (
        <Group>
          <Button variant="light" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
            {t('campaigns.cancel')}
          </Button>
        </Group>
      )}
      {cancel.isError && <ErrorAlert error={cancel.error} />}
    </Stack>
  );
}
