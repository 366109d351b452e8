import { Anchor, Badge, Grid, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { components } from '../../api/schema';
import { CustomFieldsPanel } from '../../components/CustomFieldsPanel';
import { CustomerBilling } from '../invoices/CustomerBilling';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InlineField } from '../../components/InlineField';
import { Loading } from '../../components/Loading';
import { RecordHeader } from '../../components/RecordHeader';
import { RecordActivity } from '../../components/RecordPanels';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { formatMoney } from '../../lib/i18n';
import { t, type MessageKey } from './i18n';
import { useCan } from '../../lib/me';
import { contactName } from '../contacts/contacts-api';
import { COMPANY_SIZES } from './companies-api';

type CompanyBody = components['schemas']['UpdateCompanyBody'];
const TEXT_FIELDS: Array<{ field: 'name' | 'domain' | 'industry' | 'phone' | 'website' | 'linkedinUrl'; label: MessageKey; type?: string }> = [
  { field: 'name', label: 'field.name' },
  { field: 'domain', label: 'field.domain' },
  { field: 'industry', label: 'field.industry' },
  { field: 'phone', label: 'field.phone', type: 'tel' },
  { field: 'website', label: 'companies.website', type: 'url' },
  { field: 'linkedinUrl', label: 'companies.linkedin', type: 'url' },
];

export function Component() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('companies:write');
  const canReadBilling = useCan('billing:read');
  const [sizeError, setSizeError] = useState<string | null>(null);
  const company = useQuery({ queryKey: ['companies', id], queryFn: () => unwrap(api.GET('/api/v1/companies/{id}', { params: { path: { id } } })) });

  const save = async (body: CompanyBody) => {
    await unwrap(api.PATCH('/api/v1/companies/{id}', { params: { path: { id } }, body }));
    // The read carries the counts of contacts and deals the update does not: read it again.
    await queryClient.invalidateQueries({ queryKey: ['companies'] });
    await queryClient.invalidateQueries({ queryKey: ['timeline', id] });
  };

  if (company.isPending) return <Loading />;
  if (company.isError) return <ErrorAlert error={company.error} />;
  const record = company.data;
  return (
    <Stack>
      <RecordHeader
        backTo="/companies"
        backLabel={t('nav.companies')}
        title={record.name}
        subtitle={t('companies.counts', { contacts: record.contactCount, deals: record.dealCount })}
      >
        {record.tags.map((tag) => (
          <Badge key={tag} variant="light">
            {tag}
          </Badge>
        ))}
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
                    value={record[field]}
                    disabled={!canWrite}
                    onSave={(value) => save(field === 'name' ? { name: value ?? '' } : { [field]: value })}
                  />
                ))}
                <Select
                  label={t('field.size')}
                  data={[...COMPANY_SIZES]}
                  value={record.size}
                  clearable
                  disabled={!canWrite}
                  error={sizeError}
                  onChange={(size) =>
                    void save({ size: size as CompanyBody['size'] }).then(
                      () => setSizeError(null),
                      (error: unknown) => setSizeError(error instanceof ApiError ? (error.fieldIssue('size') ?? error.message) : messageOf(error)),
                    )
                  }
                />
              </SimpleGrid>
            </Paper>
            <CustomFieldsPanel entity="company" values={record.customFields} disabled={!canWrite} onSave={(customFields) => save({ customFields })} />
            {canReadBilling && <CustomerBilling customerId={id} />}
            <CompanyContacts companyId={id} />
            <CompanyDeals companyId={id} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <RecordActivity related={{ type: 'company', id }} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function CompanyContacts({ companyId }: { companyId: string }) {
  const contacts = useQuery({
    queryKey: ['contacts', 'list', { companyId }],
    queryFn: () => unwrap(api.GET('/api/v1/contacts', { params: { query: { companyId: [companyId], limit: 50, sort: 'lastName' } } })),
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('nav.contacts')}
      </Title>
      {contacts.isError && <ErrorAlert error={contacts.error} />}
      <Stack gap={4}>
        {contacts.data?.data.map((contact) => (
          <Group key={contact.id} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/contacts/${contact.id}`} size="sm">
              {contactName(contact)}
            </Anchor>
            <Text size="xs" c="dimmed">
              {contact.jobTitle}
            </Text>
          </Group>
        ))}
        {contacts.data?.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('list.empty')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function CompanyDeals({ companyId }: { companyId: string }) {
  const deals = useQuery({
    queryKey: ['deals', 'company', companyId],
    queryFn: () => unwrap(api.GET('/api/v1/deals', { params: { query: { companyId: [companyId], limit: 50 } } })),
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('nav.deals')}
      </Title>
      {deals.isError && <ErrorAlert error={deals.error} />}
      <Stack gap={4}>
        {deals.data?.data.map((deal) => (
          <Group key={deal.id} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/deals/${deal.id}`} size="sm">
              {deal.name}
            </Anchor>
            <Text size="xs">
              {formatMoney(deal.amount, deal.currency)} · {deal.status}
            </Text>
          </Group>
        ))}
        {deals.data?.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('list.empty')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
