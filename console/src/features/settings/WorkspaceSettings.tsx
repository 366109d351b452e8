import { Alert, Badge, Button, Checkbox, Code, Group, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';

/** The notification types the notifications service sends (its triggers), each with its channels. */
const NOTIFICATION_TYPES = ['task_assigned', 'deal_won', 'ticket_assigned', 'ticket_sla'] as const;
const CHANNELS = ['inApp', 'email'] as const;

type Preferences = components['schemas']['SettingsBody'];

export function PreferencesPanel() {
  const queryClient = useQueryClient();
  const current = useQuery({ queryKey: ['me', 'settings'], queryFn: () => unwrap(api.GET('/api/v1/me/settings')) });
  const form = useForm<Preferences>({ initialValues: { locale: '', timezone: '', notifications: {} } });
  const [formError, setFormError] = useState<string | null>(null);
  useEffect(() => {
    if (current.data) form.setValues(current.data);
    // The form takes the server's values once they arrive; later edits stay the user's.
  }, [current.data]);
  const save = useMutation({
    mutationFn: (values: Preferences) => unwrap(api.PUT('/api/v1/me/settings', { body: values })),
    onSuccess: async () => {
      setFormError(null);
      notifications.show({ message: t('settings.preferencesSaved') });
      await queryClient.invalidateQueries({ queryKey: ['me', 'settings'] });
    },
    onError: (error) => setFormError(applyApiError(error, ['locale', 'timezone', 'notifications'], form.setFieldError)),
  });
  if (current.isPending) return <Loading />;
  if (current.isError) return <ErrorAlert error={current.error} />;
  const channel = (type: string, name: (typeof CHANNELS)[number]) => form.values.notifications[type]?.[name] ?? true;
  return (
    <Paper withBorder p="md" maw={640} component="form" onSubmit={form.onSubmit((values) => save.mutate(values))}>
      <Stack>
        <TextInput label={t('settings.locale')} description={t('settings.localeHint')} {...form.getInputProps('locale')} />
        <TextInput label={t('settings.timezone')} description={t('settings.timezoneHint')} {...form.getInputProps('timezone')} />
        <Table>
          <Table.Caption>{t('settings.notificationChannels')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.notificationType')}</Table.Th>
              {CHANNELS.map((name) => (
                <Table.Th key={name}>{t(`settings.channel.${name}`)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {NOTIFICATION_TYPES.map((type) => (
              <Table.Tr key={type}>
                <Table.Td>{t(`settings.notification.${type}`)}</Table.Td>
                {CHANNELS.map((name) => (
                  <Table.Td key={name}>
                    <Checkbox
                      aria-label={t('settings.channelFor', { type: t(`settings.notification.${type}`), channel: t(`settings.channel.${name}`) })}
                      checked={channel(type, name)}
                      onChange={(event) =>
                        form.setFieldValue('notifications', {
                          ...form.values.notifications,
                          [type]: { ...form.values.notifications[type], [name]: event.currentTarget.checked },
                        })
                      }
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {form.errors.notifications && <Text c="red">{form.errors.notifications}</Text>}
        {formError && <ErrorAlert error={new Error(formError)} />}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

type BillingSettingsBody = { [K in keyof components['schemas']['BillingSettings']]: string };
const BILLING_FIELDS = ['legalName', 'address', 'taxId', 'invoicePrefix', 'paymentInstructions'] as const;

export function WorkspacePanel({ canBilling, canCrm }: { canBilling: boolean; canCrm: boolean }) {
  return (
    <Stack maw={640}>
      {canCrm && <CrmSettingsForm />}
      {canBilling && <BillingSettingsForm />}
    </Stack>
  );
}

function CrmSettingsForm() {
  const current = useQuery({ queryKey: ['crm-settings'], queryFn: () => unwrap(api.GET('/api/v1/crm-settings')) });
  const form = useForm({ initialValues: { defaultPhoneRegion: '' } });
  const [formError, setFormError] = useState<string | null>(null);
  useEffect(() => {
    if (current.data) form.setValues({ defaultPhoneRegion: current.data.defaultPhoneRegion });
  }, [current.data]);
  const save = useMutation({
    mutationFn: (values: { defaultPhoneRegion: string }) => unwrap(api.PUT('/api/v1/crm-settings', { body: values })),
    onSuccess: () => {
      setFormError(null);
      notifications.show({ message: t('settings.crmSaved') });
    },
    onError: (error) => setFormError(applyApiError(error, ['defaultPhoneRegion'], form.setFieldError)),
  });
  if (current.isPending) return <Loading />;
  if (current.isError) return <ErrorAlert error={current.error} />;
  return (
    <Paper withBorder p="md" component="form" aria-label={t('settings.crm')} onSubmit={form.onSubmit((values) => save.mutate(values))}>
      <Stack>
        <Title order={2} size="h4">
          {t('settings.crm')}
        </Title>
        <TextInput label={t('settings.defaultPhoneRegion')} description={t('settings.defaultPhoneRegionHint')} {...form.getInputProps('defaultPhoneRegion')} />
        {formError && <ErrorAlert error={new Error(formError)} />}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('settings.saveCrm')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function BillingSettingsForm() {
  const current = useQuery({ queryKey: ['billing-settings'], queryFn: () => unwrap(api.GET('/api/v1/billing-settings')) });
  const form = useForm<BillingSettingsBody>({ initialValues: { legalName: '', address: '', taxId: '', invoicePrefix: '', paymentInstructions: '' } });
  const [formError, setFormError] = useState<string | null>(null);
  useEffect(() => {
    if (!current.data) return;
    const data = current.data;
    form.setValues(Object.fromEntries(BILLING_FIELDS.map((field) => [field, data[field] ?? ''])) as BillingSettingsBody);
  }, [current.data]);
  const save = useMutation({
    // An emptied field clears the setting (null), except the prefix, which has a default.
    mutationFn: (values: BillingSettingsBody) =>
      unwrap(
        api.PUT('/api/v1/billing-settings', {
          body: Object.fromEntries(BILLING_FIELDS.map((field) => [field, values[field].trim() === '' ? null : values[field]])),
        }),
      ),
    onSuccess: () => {
      setFormError(null);
      notifications.show({ message: t('settings.billingSaved') });
    },
    onError: (error) => setFormError(applyApiError(error, BILLING_FIELDS, form.setFieldError)),
  });
  if (current.isPending) return <Loading />;
  if (current.isError) return <ErrorAlert error={current.error} />;
  return (
    <Paper withBorder p="md" component="form" aria-label={t('settings.billing')} onSubmit={form.onSubmit((values) => save.mutate(values))}>
      <Stack>
        <Title order={2} size="h4">
          {t('settings.billing')}
        </Title>
        <TextInput label={t('settings.legalName')} {...form.getInputProps('legalName')} />
        <Textarea label={t('settings.address')} autosize minRows={2} {...form.getInputProps('address')} />
        <TextInput label={t('settings.taxId')} {...form.getInputProps('taxId')} />
        <TextInput label={t('settings.invoicePrefix')} {...form.getInputProps('invoicePrefix')} />
        <Textarea label={t('settings.paymentInstructions')} autosize minRows={2} {...form.getInputProps('paymentInstructions')} />
        {formError && <ErrorAlert error={new Error(formError)} />}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('settings.saveBilling')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function WebhooksPanel() {
  const queryClient = useQueryClient();
  const endpoints = useQuery({ queryKey: ['webhook-endpoints'], queryFn: () => unwrap(api.GET('/api/v1/webhook-endpoints', { params: { query: {} } })) });
  const form = useForm({ initialValues: { url: '', events: '*', description: '' } });
  const [formError, setFormError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (values: { url: string; events: string; description: string }) =>
      unwrap(
        api.POST('/api/v1/webhook-endpoints', {
          body: {
            url: values.url,
            description: values.description || null,
            events: values.events
              .split(',')
              .map((event) => event.trim())
              .filter(Boolean),
          },
        }),
      ),
    onSuccess: async () => {
      setFormError(null);
      form.reset();
      await queryClient.invalidateQueries({ queryKey: ['webhook-endpoints'] });
    },
    onError: (error) => setFormError(applyApiError(error, ['url', 'events', 'description'], form.setFieldError)),
  });
  return (
    <Stack>
      <Paper withBorder p="md" maw={640} component="form" aria-label={t('settings.newWebhook')} onSubmit={form.onSubmit((values) => create.mutate(values))}>
        <Stack>
          <TextInput label={t('settings.webhookUrl')} {...form.getInputProps('url')} />
          <TextInput label={t('settings.webhookEvents')} description={t('settings.webhookEventsHint')} {...form.getInputProps('events')} />
          <TextInput label={t('settings.webhookDescription')} {...form.getInputProps('description')} />
          {formError && <ErrorAlert error={new Error(formError)} />}
          {create.data && (
            <Alert color="yellow" title={t('settings.webhookSecretOnce')}>
              <Code block>{create.data.secret}</Code>
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={create.isPending}>
              {t('settings.addWebhook')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      {endpoints.isPending && <Loading />}
      {endpoints.isError && <ErrorAlert error={endpoints.error} />}
      {endpoints.data?.data.length === 0 && <Text c="dimmed">{t('settings.noWebhooks')}</Text>}
      {endpoints.data && endpoints.data.data.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.webhookUrl')}</Table.Th>
              <Table.Th>{t('settings.webhookEvents')}</Table.Th>
              <Table.Th>{t('settings.webhookState')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {endpoints.data.data.map((endpoint) => (
              <Table.Tr key={endpoint.id}>
                <Table.Td>{endpoint.url}</Table.Td>
                <Table.Td>{endpoint.events.join(', ')}</Table.Td>
                <Table.Td>
                  <Badge color={endpoint.active ? 'teal' : 'red'}>
                    {endpoint.active ? t('settings.webhookActive') : (endpoint.disabledReason ?? t('settings.webhookDisabled'))}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="subtle" onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)} aria-expanded={open === endpoint.id}>
                    {t('settings.deliveriesOf', { url: endpoint.url })}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && <Deliveries endpointId={open} />}
    </Stack>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const deliveries = useQuery({
    queryKey: ['webhook-endpoints', endpointId, 'deliveries'],
    queryFn: () => unwrap(api.GET('/api/v1/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpointId }, query: {} } })),
    refetchInterval: 10_000,
  });
  return (
    <Paper withBorder p="md" component="section" aria-label={t('settings.deliveries')}>
      <Title order={2} size="h4" mb="sm">
        {t('settings.deliveries')}
      </Title>
      {deliveries.isPending && <Loading />}
      {deliveries.isError && <ErrorAlert error={deliveries.error} />}
      {deliveries.data?.data.length === 0 && <Text c="dimmed">{t('settings.noDeliveries')}</Text>}
      {deliveries.data && deliveries.data.data.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.deliveryEvent')}</Table.Th>
              <Table.Th>{t('settings.deliveryStatus')}</Table.Th>
              <Table.Th>{t('settings.deliveryAttempts')}</Table.Th>
              <Table.Th>{t('settings.deliveryAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {deliveries.data.data.map((delivery) => (
              <Table.Tr key={delivery.id}>
                <Table.Td>{delivery.eventType}</Table.Td>
                <Table.Td>{[delivery.status, delivery.responseStatus, delivery.error].filter((part) => part !== null).join(' · ')}</Table.Td>
                <Table.Td>{delivery.attemptCount}</Table.Td>
                <Table.Td>{formatDateTime(delivery.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

export function AuditLogPanel() {
  const [action, setAction] = useState('');
  const log = useQuery({
    queryKey: ['audit-logs', action],
    queryFn: () => unwrap(api.GET('/api/v1/audit-logs', { params: { query: { action: action || undefined, limit: 50 } } })),
  });
  return (
    <Stack>
      <TextInput
        label={t('settings.auditAction')}
        description={t('settings.auditActionHint')}
        value={action}
        onChange={(event) => setAction(event.currentTarget.value)}
        maw={320}
      />
      {log.isPending && <Loading />}
      {log.isError && <ErrorAlert error={log.error} />}
      {log.data?.data.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      {log.data && log.data.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Caption>{t('settings.auditLatest')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.auditWhen')}</Table.Th>
                <Table.Th>{t('settings.auditAction')}</Table.Th>
                <Table.Th>{t('settings.auditActor')}</Table.Th>
                <Table.Th>{t('settings.auditTarget')}</Table.Th>
                <Table.Th>{t('settings.auditIp')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.data.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>{formatDateTime(entry.createdAt)}</Table.Td>
                  <Table.Td>{entry.action}</Table.Td>
                  <Table.Td>{entry.actorId ?? '—'}</Table.Td>
                  <Table.Td>{[entry.targetType, entry.targetId].filter(Boolean).join(' ') || '—'}</Table.Td>
                  <Table.Td>{entry.ip ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
