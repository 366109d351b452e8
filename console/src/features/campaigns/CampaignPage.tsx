import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  MultiSelect,
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
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { applyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/i18n';
import { useCan, useTimeZone } from '../../lib/me';
import { instantToZoned, zonedToInstant } from '../../lib/zoned-time';
import { contactName } from '../contacts/contacts-api';
import {
  audienceKind,
  audienceOf,
  audienceSample,
  campaignsApi,
  fillPlaceholders,
  filterValues,
  IN_FLIGHT,
  placeholderValues,
  smsLength,
  smsText,
  type AudienceKind,
  type Campaign,
  type CampaignCounts,
} from './campaigns-api';
import { ContactFilterInputs } from './ContactFilterInputs';
import { conditionErrorPath, conditionErrors, conditionKeys } from '../contacts/contact-filters';
import { t, type MessageKey } from './i18n';

// Where the API's issues go: each at its input, those about the audience at the picker of its kind.
const FIELDS = ['name', 'channel', 'subject', 'body', 'templateId', 'scheduledAt'] as const;
const AUDIENCE_FIELDS = ['audience', 'audience.segmentId', 'audience.contactIds', 'audience.filter'] as const;
const FILTER_FIELDS = ['lifecycleStage', 'tags', 'leadSource', 'emailOptOut', 'smsOptOut'];
// The audience's count is asked again while the composer is open: contacts change under it.
const COUNT_EVERY_MS = 10_000;
// Delivery reports come from the SMS provider: an email campaign has none.
const COUNTS: Array<{ key: keyof CampaignCounts; label: MessageKey; sms?: true }> = [
  { key: 'total', label: 'campaigns.count.total' },
  { key: 'queued', label: 'campaigns.count.queued' },
  { key: 'sent', label: 'campaigns.count.sent' },
  { key: 'delivered', label: 'campaigns.count.delivered', sms: true },
  { key: 'undelivered', label: 'campaigns.count.undelivered', sms: true },
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

/** The input of the composer an API issue about the audience (`audience…`) belongs to. */
function audienceInput(field: string, kind: AudienceKind): string {
  if (field.startsWith('audience.filter.')) {
    const key = field.slice('audience.filter.'.length);
    return `filter.${conditionErrorPath(key) ?? key}`;
  }
  if (kind === 'filter') return 'filter.lifecycleStage';
  return kind === 'segment' ? 'segmentId' : 'contactIds';
}

function Composer({ campaign }: { campaign: Campaign | undefined }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canWrite = useCan('campaigns:write');
  const canTemplates = useCan('email-templates:manage');
  const timeZone = useTimeZone();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: campaign?.name ?? '',
      channel: campaign?.channel ?? 'email',
      subject: campaign?.subject ?? '',
      content: campaign?.templateId ? 'template' : 'write',
      body: campaign?.body ?? '',
      templateId: campaign?.templateId ?? null,
      audienceKind: audienceKind(campaign?.audience),
      segmentId: campaign?.audience.segmentId ?? null,
      filter: filterValues(campaign?.audience.filter),
      contactIds: campaign?.audience.contactIds ?? [],
      scheduledAt: campaign?.scheduledAt ? instantToZoned(campaign.scheduledAt, timeZone) : '',
    },
  });
  const { values } = form;
  const sms = values.channel === 'sms';
  const segments = useQuery({ queryKey: ['segments'], queryFn: campaignsApi.segments });
  const templates = useQuery({ queryKey: ['email-templates'], queryFn: campaignsApi.templates, enabled: canTemplates });
  const audience = audienceOf(values);
  // Counted once the picking pauses, not at every key typed into the filter.
  const [counted] = useDebouncedValue(audience ? JSON.stringify(audience) : null, 300);
  const count = useQuery({
    queryKey: ['audiences', counted, 'count'],
    queryFn: () => campaignsApi.countAudience(JSON.parse(counted!)),
    enabled: counted !== null,
    refetchInterval: COUNT_EVERY_MS,
  });
  // The preview shows the email as the audience's first contact would read it.
  const sample = useQuery({
    queryKey: ['audiences', counted, 'sample'],
    queryFn: () => audienceSample(JSON.parse(counted!)),
    enabled: counted !== null,
  });
  const contact = sample.data ?? null;

  const save = async (): Promise<Campaign> => {
    const body = {
      name: values.name,
      channel: values.channel,
      audience: audience ?? {},
      scheduledAt: values.scheduledAt ? zonedToInstant(values.scheduledAt, timeZone) : null,
      ...(sms
        ? { body: values.body, subject: null, templateId: null }
        : values.content === 'template'
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
        const filterFields = [...FILTER_FIELDS, ...conditionKeys(values.filter.conditions.customFields)];
        const fields = [...FIELDS, ...AUDIENCE_FIELDS, ...filterFields.map((field) => `audience.filter.${field}`)];
        setError(
          applyApiError(failure, fields, (field, issue) =>
            form.setFieldError(field.startsWith('audience') ? audienceInput(field, values.audienceKind) : field, issue),
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
            <Text size="sm" fw={500} id="campaign-channel">
              {t('campaigns.channel')}
            </Text>
            <SegmentedControl
              aria-labelledby="campaign-channel"
              data={[
                { value: 'email', label: t('campaigns.channel.email') },
                { value: 'sms', label: t('campaigns.channel.sms') },
              ]}
              {...form.getInputProps('channel')}
              disabled={!canWrite}
            />
            <Text size="sm" fw={500} id="campaign-audience">
              {t('campaigns.audience')}
            </Text>
            <SegmentedControl
              aria-labelledby="campaign-audience"
              data={[
                { value: 'segment', label: t('campaigns.kind.segment') },
                { value: 'filter', label: t('campaigns.kind.filter') },
                { value: 'contacts', label: t('campaigns.kind.contacts') },
              ]}
              {...form.getInputProps('audienceKind')}
              disabled={!canWrite}
            />
            {values.audienceKind === 'segment' && (
              <>
                <Select
                  label={t('campaigns.segment')}
                  placeholder={t('campaigns.pickSegment')}
                  data={(segments.data?.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }))}
                  searchable
                  {...form.getInputProps('segmentId')}
                  disabled={!canWrite}
                />
                <Anchor component={Link} to="/campaigns/segments" size="sm">
                  {t('campaigns.segments')}
                </Anchor>
              </>
            )}
            {values.audienceKind === 'filter' && (
              <ContactFilterInputs
                inputProps={(field) => form.getInputProps(`filter.${field}`)}
                conditionErrors={conditionErrors(form.errors, 'filter.')}
                disabled={!canWrite}
                channel={values.channel}
              />
            )}
            {values.audienceKind === 'contacts' && <ContactPicker {...form.getInputProps('contactIds')} disabled={!canWrite} />}
            {audience && (
              <Text size="sm" role="status" aria-live="polite">
                {count.data
                  ? sms
                    ? t('campaigns.audienceCountSms', { count: count.data.count, optedOut: count.data.smsOptOut })
                    : t('campaigns.audienceCount', { count: count.data.count, optedOut: count.data.emailOptOut })
                  : t('common.loading')}
              </Text>
            )}
            {count.isError && <ErrorAlert error={count.error} />}
            {sms && (
              <Textarea
                label={t('campaigns.message')}
                description={t('campaigns.smsPlaceholders')}
                autosize
                minRows={4}
                {...form.getInputProps('body')}
                disabled={!canWrite}
              />
            )}
            {!sms && canTemplates && (
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
            {sms ? null : values.content === 'template' ? (
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
            <TextInput
              type="datetime-local"
              label={t('campaigns.schedule')}
              description={t('campaigns.scheduleHint', { timeZone })}
              {...form.getInputProps('scheduledAt')}
              disabled={!canWrite}
            />
            {canWrite && (
              <Group justify="flex-end">
                <Button type="submit" variant="default" loading={form.submitting}>
                  {t('campaigns.saveDraft')}
                </Button>
                <Button onClick={() => run(true)()} loading={form.submitting}>
                  {values.scheduledAt ? t('campaigns.scheduleSend') : t('campaigns.sendNow')}
                </Button>
              </Group>
            )}
          </Stack>
          {sms ? (
            <SmsPreview contactName={contact ? contactName(contact) : null} text={smsText(values.body, placeholderValues(contact))} />
          ) : (
            <Preview
              contactName={contact ? contactName(contact) : null}
              values={placeholderValues(contact)}
              subject={values.subject}
              body={values.body}
              templateId={values.content === 'template' ? values.templateId : null}
            />
          )}
        </SimpleGrid>
      </form>
    </Stack>
  );
}

/**
 * Contacts picked one by one: a search of the contacts (`?q=`) offers them, and the picked ones
 * keep their names (those of a saved draft are read once each).
 */
function ContactPicker({
  value = [],
  onChange,
  error,
  disabled,
}: {
  value?: string[];
  onChange: (ids: string[]) => void;
  error?: ReactNode;
  disabled: boolean;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  const [names, setNames] = useState<Record<string, string>>({});
  const found = useQuery({ queryKey: ['contacts', 'pick', q], queryFn: () => campaignsApi.searchContacts(q), enabled: q !== '' });
  const unnamed = useQueries({
    queries: value.filter((id) => !names[id]).map((id) => ({ queryKey: ['contacts', id], queryFn: () => campaignsApi.contact(id) })),
  });
  const options = new Map(Object.entries(names));
  for (const contact of [...(found.data?.data ?? []), ...unnamed.flatMap((query) => (query.data ? [query.data] : []))]) {
    options.set(contact.id, contact.email ? `${contactName(contact)} <${contact.email}>` : contactName(contact));
  }
  return (
    <MultiSelect
      label={t('campaigns.pickContacts')}
      description={t('campaigns.pickContactsHint')}
      data={[...options].map(([id, label]) => ({ value: id, label }))}
      value={value}
      onChange={(ids) => {
        setNames((known) => ({ ...known, ...Object.fromEntries(ids.map((id) => [id, options.get(id) ?? id])) }));
        onChange(ids);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server searched already (names, emails, phones, companies): its answer is shown whole.
      filter={({ options: shown }) => shown}
      nothingFoundMessage={q && found.data ? t('campaigns.nothingFound') : undefined}
      error={error}
      disabled={disabled}
    />
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

/** The SMS as its reader gets it, with its length on the wire: the encoding and the parts the carrier bills. */
function SmsPreview({ contactName, text }: { contactName: string | null; text: string }) {
  const length = smsLength(text);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="campaign-preview">
      <Title order={2} size="h4" id="campaign-preview">
        {contactName ? t('campaigns.previewFor', { name: contactName }) : t('campaigns.preview')}
      </Title>
      <Paper bg="var(--mantine-color-default-hover)" p="sm" mt="sm" radius="lg" maw={360} data-preview="sms">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {text}
        </Text>
      </Paper>
      <Text size="sm" c="dimmed" mt="xs" data-preview="sms-length">
        {t('campaigns.smsLength', { units: length.units, encoding: length.encoding, parts: length.parts })}
      </Text>
    </Paper>
  );
}

function Sending({ campaign }: { campaign: Campaign }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('campaigns:write');
  const timeZone = useTimeZone();
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
        <Badge variant="outline">{t(`campaigns.channel.${campaign.channel}`)}</Badge>
        {campaign.scheduledAt && <Text size="sm">{t('campaigns.scheduledFor', { when: formatDateTime(campaign.scheduledAt, undefined, timeZone) })}</Text>}
        {campaign.finishedAt && <Text size="sm">{t('campaigns.finishedAt', { when: formatDateTime(campaign.finishedAt, undefined, timeZone) })}</Text>}
      </Group>
      {campaign.failureReason && <Alert color="red">{campaign.failureReason}</Alert>}
      <Progress value={counts.total ? (done / counts.total) * 100 : 0} animated={IN_FLIGHT.has(campaign.status)} aria-label={t('campaigns.progress')} />
      <Table maw={420} aria-label={t('campaigns.counts')}>
        <Table.Tbody>
          {COUNTS.filter((count) => !count.sms || campaign.channel === 'sms').map(({ key, label }) => (
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
            {campaign.status === 'scheduled' ? t('campaigns.cancelScheduled') : t('campaigns.cancel')}
          </Button>
        </Group>
      )}
      {cancel.isError && <ErrorAlert error={cancel.error} />}
    </Stack>
  );
}
