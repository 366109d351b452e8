import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { formatMoney } from '../../lib/i18n';
import { t } from './i18n';

/** The invoices that bill a deal or a customer, each with its total and status. */
export function BilledInvoices({ billed }: { billed: { dealId: string } | { customerId: string } }) {
  const invoices = useQuery({
    queryKey: ['invoices', 'billed', billed],
    queryFn: () => unwrap(api.GET('/api/v1/invoices', { params: { query: { ...billed, limit: 100 } } })),
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('nav.invoices')}
      </Title>
      {invoices.isError && <ErrorAlert error={invoices.error} />}
      {invoices.data?.data.length === 0 && <Text c="dimmed">{t('invoices.noneBilled')}</Text>}
      <Stack gap={4}>
        {invoices.data?.data.map((invoice) => (
          <Group key={invoice.id} justify="space-between" wrap="nowrap" data-invoice={invoice.number ?? 'draft'}>
            <Anchor component={Link} to={`/invoices/${invoice.id}`} size="sm">
              {invoice.number ?? t('invoices.draft')}
            </Anchor>
            <Group gap="xs" wrap="nowrap">
              <Text size="sm">{formatMoney(invoice.total, invoice.currency)}</Text>
              <Badge variant="light" color={invoice.overdue ? 'red' : undefined}>
                {invoice.status}
              </Badge>
            </Group>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
