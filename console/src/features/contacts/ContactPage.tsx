import { Badge, Grid, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { CustomFieldsPanel } from '../../components/CustomFieldsPanel';
import { CustomerBilling } from '../invoices/CustomerBilling';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InlineField } from '../../components/InlineField';
import { Loading } from '../../components/Loading';
import { RecordHeader } from '../../components/RecordHeader';
import { RecordActivity } from '../../components/RecordPanels';
import { t } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { contactName, contactsApi, LIFECYCLE_STAGES, type Contact, type ContactBody } from './contacts-api';

const TEXT_FIELDS: Array<{ field: keyof ContactBody & keyof Contact; label: Parameters<typeof t>[0]; type?: string }> = [
  { field: 'firstName', label: 'field.firstName' },
  { field: 'lastName', label: 'field.lastName' },
  { field: 'email', label: 'field.email', type: 'email' },
  { field: 'phone', label: 'field.phone', type: 'tel' },
  { field: 'jobTitle', label: 'field.jobTitle' },
  { field: 'leadSource', label: 'field.leadSource' },
];

export function Component() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('contacts:write');
  const canReadBilling = useCan('billing:read');
  const contact = useQuery({ queryKey: ['contacts', id], queryFn: () => contactsApi.get(id) });

  const save = async (body: ContactBody) => {
    const updated = await contactsApi.update(id, body);
    queryClient.setQueryData(['contacts', id], updated);
    await queryClient.invalidateQueries({ queryKey: ['contacts', 'list'] });
    await queryClient.invalidateQueries({ queryKey: ['timeline', id] });
  };

  if (contact.isPending) return <Loading />;
  if (contact.isError) return <ErrorAlert error={contact.error} />;
  const record = contact.data;
  return (
    <Stack>
      <RecordHeader backTo="/contacts" backLabel={t('nav.contacts')} title={contactName(record)}>
        <Badge size="lg" variant="light">
          {record.lifecycleStage.replace(/_/g, ' ')}
        </Badge>
      </RecordHeader>
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('contacts.details')}
              </Title>
              <SimpleGrid cols={1} spacing="sm">
                {TEXT_FIELDS.map(({ field, label, type }) => (
                  <InlineField
                    key={field}
                    field={field}
                    label={t(label)}
                    type={type}
                    value={(record[field] as string | null) ?? null}
                    disabled={!canWrite}
                    onSave={(value) => save({ [field]: value })}
                  />
                ))}
                <Select
                  label={t('field.lifecycleStage')}
                  data={LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: stage.replace(/_/g, ' ') }))}
                  value={record.lifecycleStage}
                  disabled={!canWrite}
                  allowDeselect={false}
                  onChange={(stage) => stage && void save({ lifecycleStage: stage as Contact['lifecycleStage'] })}
                />
                {record.companyName && (
                  <Text size="sm">
                    {t('field.company')}: {record.companyName}
                  </Text>
                )}
              </SimpleGrid>
            </Paper>
            <CustomFieldsPanel entity="contact" values={record.customFields} disabled={!canWrite} onSave={(customFields) => save({ customFields })} />
            {canReadBilling && <CustomerBilling customerId={id} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <RecordActivity related={{ type: 'contact', id }} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
