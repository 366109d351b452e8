import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { components } from '../../api/schema';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { formatMoney } from '../../lib/i18n';
import { t } from './i18n';
import { minorToInput, parseMoney } from '../../lib/money';
import type { Invoice } from './invoice-lines';
import { useIdempotencyKey } from '../../lib/idempotency';

type Payment = components['schemas']['Payment'];
type Change = 'void' | 'uncollectible' | 'delete';

/** A button that asks once more before an invoice leaves the open or draft state for good. */
function ConfirmedChange({ change, invoice, onDone }: { change: Change; invoice: Invoice; onDone: () => Promise<void> }) {
  const [opened, { open, close }] = useDisclosure(false);
  const navigate = useNavigate();
  const path = { params: { path: { id: invoice.id } } };
  const run = useMutation({
    mutationFn: async () => {
      if (change === 'void') await unwrap(api.POST('/api/v1/invoices/{id}/void', path));
      else if (change === 'uncollectible') await unwrap(api.POST('/api/v1/invoices/{id}/mark-uncollectible', path));
      else await unwrap(api.DELETE('/api/v1/invoices/{id}', path));
    },
    onSuccess: async () => {
      close();
      notifications.show({ color: 'green', message: t(`invoices.${change}Done`, { number: invoice.number ?? t('invoices.draftTitle') }) });
      if (change === 'delete') navigate('/invoices');
      await onDone();
    },
  });
  const name = invoice.number ?? t('invoices.draftTitle');
  return (
    <>
      <Button variant="default" onClick={open}>
        {t(`invoices.${change}`)}
      </Button>
      <Modal opened={opened} onClose={close} title={t(`invoices.${change}Confirm`, { number: name })}>
        <Stack>
          <Text size="sm">{t(`invoices.${change}Explain`)}</Text>
          {run.isError && (
            <Text c="red" role="alert">
              {messageOf(run.error)}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button color="red" onClick={() => run.mutate()} loading={run.isPending}>
              {t(`invoices.${change}`)}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** What a billing writer may still do to the invoice's state: delete a draft, void or write off an open one. */
export function InvoiceStateActions({ invoice, onDone }: { invoice: Invoice; onDone: () => Promise<void> }) {
  if (invoice.status === 'draft') return <ConfirmedChange change="delete" invoice={invoice} onDone={onDone} />;
  return (
    <>
      {invoice.status === 'open' && <ConfirmedChange change="uncollectible" invoice={invoice} onDone={onDone} />}
      {(invoice.status === 'open' || invoice.status === 'uncollectible') && <ConfirmedChange change="void" invoice={invoice} onDone={onDone} />}
    </>
  );
}

/** Gives back part or all of a payment, with one Idempotency-Key per refund being entered. */
export function RefundPayment({ payment, onDone }: { payment: Payment; onDone: () => Promise<void> }) {
  const left = payment.amount - payment.refunded;
  const [opened, { open, close }] = useDisclosure(false);
  const [amount, setAmount] = useState(minorToInput(left, payment.currency));
  const [error, setError] = useState<string | null>(null);
  const [key, renewKey] = useIdempotencyKey();
  const refund = useMutation({
    mutationFn: (minor: number) =>
      unwrap(api.POST('/api/v1/payments/{id}/refund', { params: { path: { id: payment.id }, header: { 'Idempotency-Key': key } }, body: { amount: minor } })),
    onSuccess: async (_, minor) => {
      setError(null);
      renewKey();
      close();
      notifications.show({ color: 'green', message: t('invoices.refunded', { amount: formatMoney(minor, payment.currency) }) });
      await onDone();
    },
    onError: (failure) => setError(failure instanceof ApiError ? (failure.fieldIssue('amount') ?? failure.message) : messageOf(failure)),
  });
  if (left <= 0) return <Text size="xs">{t('invoices.fullyRefunded')}</Text>;
  return (
    <>
      <Button
        size="compact-xs"
        variant="subtle"
        onClick={open}
        aria-label={t('invoices.refundPayment', { amount: formatMoney(payment.amount, payment.currency) })}
      >
        {t('invoices.refundShort')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('invoices.refundPayment', { amount: formatMoney(payment.amount, payment.currency) })}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const minor = parseMoney(amount, payment.currency);
            if (minor === null || minor <= 0) setError(t('invoices.errorAmount'));
            else refund.mutate(minor);
          }}
        >
          <Stack>
            <TextInput
              label={t('invoices.refundAmount')}
              description={t('invoices.refundLeft', { amount: formatMoney(left, payment.currency) })}
              inputMode="decimal"
              value={amount}
              onChange={(event) => setAmount(event.currentTarget.value)}
              error={error}
            />
            <Group justify="flex-end">
              <Button type="submit" color="red" loading={refund.isPending}>
                {t('invoices.refundShort')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
