import { Anchor, Badge, Button, Group, Select, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { formatMoney } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';

type Invoice = components['schemas']['Invoice'];
const STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;

export function Component() {
  const queryClient = useQueryClient();
  const canWrite = useCan('billing:write');
  const [status, setStatus] = useState<(typeof STATUSES)[number] | null>(null);
  const invoices = useQuery({
    queryKey: ['invoices', status],
    queryFn: () => unwrap(api.GET('/api/v1/invoices', { params: { query: { limit: 100, status: status ?? undefined } } })),
  });
  const finalize = useMutation({
    mutationFn: (invoice: Invoice) => unwrap(api.POST('/api/v1/invoices/{id}/finalize', { params: { path: { id: invoice.id } } })),
    onSuccess: (invoice) => notifications.show({ color: 'green', message: t('invoices.finalized', { number: invoice.number ?? '' }) }),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['invoices'] }),
  });
  return (
    <>
      <Group justify="space-between" mb="md" align="end">
        <Title order={1}>{t('nav.invoices')}</Title>
        <Group align="end">
          <Button component={Link} to="/invoices/products" variant="subtle">
            {t('invoices.products')}
          </Button>
          <Select label={t('field.status')} data={[...STATUSES]} value={status} onChange={(value) => setStatus(value as typeof status)} clearable w={180} />
        </Group>
      </Group>
      {invoices.isPending && <Loading />}
      {invoices.isError && <ErrorAlert error={invoices.error} />}
      {invoices.data && invoices.data.data.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      {invoices.data && invoices.data.data.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('invoices.number')}</Table.Th>
              <Table.Th>{t('invoices.customer')}</Table.Th>
              <Table.Th>{t('field.status')}</Table.Th>
              <Table.Th>{t('invoices.total')}</Table.Th>
              <Table.Th>{t('invoices.due')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invoices.data.data.map((invoice) => (
              <Table.Tr key={invoice.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/invoices/${invoice.id}`}>
                    {invoice.number ?? t('invoices.draft')}
                  </Anchor>
                </Table.Td>
                <Table.Td>{invoice.customer.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={invoice.overdue ? 'red' : undefined}>
                    {invoice.status}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatMoney(invoice.total, invoice.currency)}</Table.Td>
                <Table.Td>{formatMoney(invoice.amountDue, invoice.currency)}</Table.Td>
                <Table.Td>
                  {canWrite && invoice.status === 'draft' && (
                    <Button size="compact-xs" onClick={() => finalize.mutate(invoice)} loading={finalize.isPending && finalize.variables?.id === invoice.id}>
                      {t('invoices.finalize')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
