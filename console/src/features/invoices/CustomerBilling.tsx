import { Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { formatDateTime, formatMoney } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { parseMoney } from '../../lib/money';
import { BilledInvoices } from './BilledInvoices';
import { t } from './i18n';
import { useIdempotencyKey } from '../../lib/idempotency';

/** A contact's or company's side of billing: the invoices billed to it, its wallet, and its accounts in the ledger. */
export function CustomerBilling({ customerId }: { customerId: string }) {
  return (
    <Stack>
      <BilledInvoices billed={{ customerId }} />
      <CustomerWallet customerId={customerId} />
      <CustomerLedger customerId={customerId} />
    </Stack>
  );
}

const walletKey = (customerId: string) => ['wallets', customerId];

function CustomerWallet({ customerId }: { customerId: string }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('billing:write');
  const wallet = useQuery({
    queryKey: walletKey(customerId),
    queryFn: () => unwrap(api.GET('/api/v1/wallets/{customerId}', { params: { path: { customerId } } })),
  });
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [error, setError] = useState<{ field: 'amount' | 'currency' | null; message: string } | null>(null);
  const [key, renewKey] = useIdempotencyKey();
  const credit = useMutation({
    mutationFn: (minor: number) =>
      unwrap(
        api.POST('/api/v1/wallets/{customerId}/credit', {
          params: { path: { customerId }, header: { 'Idempotency-Key': key } },
          body: { amount: minor, currency },
        }),
      ),
    onSuccess: async (updated) => {
      setAmount('');
      setError(null);
      renewKey();
      queryClient.setQueryData(walletKey(customerId), updated);
      notifications.show({ color: 'green', message: t('wallet.credited') });
      await queryClient.invalidateQueries({ queryKey: ['ledger', customerId] });
    },
    onError: (failure) => {
      const field = failure instanceof ApiError ? (['amount', 'currency'] as const).find((name) => failure.fieldIssue(name)) : undefined;
      setError({ field: field ?? null, message: field && failure instanceof ApiError ? failure.fieldIssue(field)! : messageOf(failure) });
    },
  });
  const submit = () => {
    const minor = parseMoney(amount, currency.trim().toUpperCase());
    if (minor === null || minor <= 0) setError({ field: 'amount', message: t('wallet.amountInvalid') });
    else credit.mutate(minor);
  };
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('wallet.title')}
      </Title>
      {wallet.isError && <ErrorAlert error={wallet.error} />}
      {wallet.data?.balances.length === 0 && <Text c="dimmed">{t('wallet.empty')}</Text>}
      <Stack gap={4}>
        {wallet.data?.balances.map((balance) => (
          <Text key={balance.currency} size="sm" data-balance={balance.currency}>
            {t('wallet.balance', { amount: formatMoney(balance.amount, balance.currency) })}
          </Text>
        ))}
      </Stack>
      {canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
          noValidate
        >
          {error?.field === null && <ErrorAlert error={new Error(error.message)} />}
          <Group align="flex-start" mt="sm">
            <TextInput
              label={t('wallet.amount')}
              inputMode="decimal"
              value={amount}
              onChange={(event) => setAmount(event.currentTarget.value)}
              error={error?.field === 'amount' ? error.message : undefined}
              style={{ flex: 1 }}
            />
            <TextInput
              label={t('wallet.currency')}
              value={currency}
              maxLength={3}
              onChange={(event) => setCurrency(event.currentTarget.value.toUpperCase())}
              error={error?.field === 'currency' ? error.message : undefined}
              w={90}
            />
            <Button type="submit" mt={24} loading={credit.isPending}>
              {t('wallet.credit')}
            </Button>
          </Group>
        </form>
      )}
    </Paper>
  );
}

const ACCOUNT_KINDS = ['receivable', 'wallet'] as const;

/** The customer's two accounts in the ledger: what it owes (receivable) and what the workspace holds for it (wallet), debit positive. */
function CustomerLedger({ customerId }: { customerId: string }) {
  const ledger = useQuery({
    queryKey: ['ledger', customerId],
    queryFn: async () => {
      const pages = await Promise.all(
        ACCOUNT_KINDS.map((kind) => unwrap(api.GET('/api/v1/ledger', { params: { query: { account: `${kind}:${customerId}`, limit: 100 } } }))),
      );
      return pages.flatMap((page) => page.data).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('ledger.title')}
      </Title>
      {ledger.isError && <ErrorAlert error={ledger.error} />}
      {ledger.data?.length === 0 && <Text c="dimmed">{t('ledger.empty')}</Text>}
      {ledger.data && ledger.data.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('ledger.when')}</Table.Th>
              <Table.Th>{t('ledger.account')}</Table.Th>
              <Table.Th>{t('ledger.debit')}</Table.Th>
              <Table.Th>{t('ledger.credit')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ledger.data.map((entry) => (
              <Table.Tr key={entry.id} data-entry={entry.account.split(':')[0]}>
                <Table.Td>{formatDateTime(entry.createdAt)}</Table.Td>
                <Table.Td>{t(entry.account.startsWith('wallet:') ? 'ledger.wallet' : 'ledger.receivable')}</Table.Td>
                <Table.Td>{entry.amount > 0 ? formatMoney(entry.amount, entry.currency) : ''}</Table.Td>
                <Table.Td>{entry.amount < 0 ? formatMoney(-entry.amount, entry.currency) : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
