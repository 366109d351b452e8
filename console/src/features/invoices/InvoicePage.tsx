import { ActionIcon, Anchor, Badge, Button, Grid, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { PdfPreview } from '../../components/PdfPreview';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { formatDateTime, formatMoney } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { invoiceTotals, lineAmounts, minorToInput, parseMoney } from '../../lib/money';
import { DraftDetails } from './DraftDetails';
import { InvoiceStateActions, RefundPayment } from './InvoiceActions';
import {
  apiLineErrors,
  draftLine,
  emptyLine,
  lineErrors,
  lineFromProduct,
  toEditLines,
  toLineBodies,
  type EditLine,
  type Invoice,
  type LineErrors,
} from './invoice-lines';
import { useProducts } from './products-api';
import { useIdempotencyKey } from '../../lib/idempotency';

const invoiceKey = (id: string) => ['invoices', id];

export function Component() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('billing:write');
  const invoice = useQuery({ queryKey: invoiceKey(id), queryFn: () => unwrap(api.GET('/api/v1/invoices/{id}', { params: { path: { id } } })) });

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['invoices'] });
    await queryClient.invalidateQueries({ queryKey: ['payments', id] });
    await queryClient.invalidateQueries({ queryKey: ['credit-notes', id] });
  };
  const action = useMutation({
    mutationFn: async (name: 'finalize' | 'send') => {
      if (name === 'finalize')
        return {
          message: t('invoices.finalized', { number: (await unwrap(api.POST('/api/v1/invoices/{id}/finalize', { params: { path: { id } } }))).number ?? '' }),
        };
      return { message: t('invoices.sent', { to: (await unwrap(api.POST('/api/v1/invoices/{id}/send', { params: { path: { id } } }))).to }) };
    },
    onSuccess: ({ message }) => notifications.show({ color: 'green', message }),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
    onSettled: refresh,
  });
  const [showPdf, setShowPdf] = useState(false);

  if (invoice.isPending) return <Loading />;
  if (invoice.isError) return <ErrorAlert error={invoice.error} />;
  const record = invoice.data;
  const money = (minor: number) => formatMoney(minor, record.currency);
  return (
    <Stack>
      <Group justify="space-between" align="end">
        <div>
          <Anchor component={Link} to="/invoices" size="sm">
            ← {t('nav.invoices')}
          </Anchor>
          <Title order={1}>{record.number ?? t('invoices.draftTitle')}</Title>
          <Text size="sm" c="dimmed">
            <CustomerLink customer={record.customer} />
            {record.billingEmail ? ` · ${record.billingEmail}` : ''}
            {record.dueDate ? ` · ${t('invoices.dueDate', { date: record.dueDate })}` : ''}
          </Text>
          {record.dealId && (
            <Anchor component={Link} to={`/deals/${record.dealId}`} size="sm">
              {t('invoices.deal')}
            </Anchor>
          )}
        </div>
        <Group>
          <Badge size="lg" variant="light">
            {record.overdue ? t('invoices.overdue') : record.status}
          </Badge>
          <Button variant="default" aria-expanded={showPdf} onClick={() => setShowPdf((shown) => !shown)}>
            {t(showPdf ? 'invoices.hidePdf' : 'invoices.pdf')}
          </Button>
          {canWrite && record.status === 'draft' && (
            <Button onClick={() => action.mutate('finalize')} loading={action.isPending && action.variables === 'finalize'}>
              {t('invoices.finalize')}
            </Button>
          )}
          {canWrite && (record.status === 'open' || record.status === 'paid') && (
            <Button variant="light" onClick={() => action.mutate('send')} loading={action.isPending && action.variables === 'send'}>
              {t('invoices.send')}
            </Button>
          )}
          {canWrite && <InvoiceStateActions invoice={record} onDone={refresh} />}
        </Group>
      </Group>
      {/* Under the invoice's key: asked again whenever the invoice changes (lines, payments, finalizing). */}
      {showPdf && <PdfPreview queryKey={[...invoiceKey(id), 'pdf']} path={`/api/v1/invoices/${id}/pdf`} title={t('invoices.pdfTitle')} />}
      {record.status === 'draft' && canWrite && <DraftDetails invoice={record} />}
      {record.status === 'draft' && canWrite ? <LinesEditor invoice={record} /> : <LinesTable invoice={record} />}
      <Paper withBorder p="md" maw={420} ml="auto" w="100%">
        <Stack gap={4}>
          <Amount label={t('invoices.paid')} value={money(record.amountPaid)} />
          <Amount label={t('invoices.credited')} value={money(record.amountCredited)} />
          <Amount label={t('invoices.due')} value={money(record.amountDue)} strong />
        </Stack>
      </Paper>
      {record.status !== 'draft' && (
        <Grid>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Payments invoice={record} canWrite={canWrite} onChange={refresh} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <CreditNotes invoice={record} canWrite={canWrite} onChange={refresh} />
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

function Amount({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <Group justify="space-between">
      <Text size="sm" fw={strong ? 700 : undefined}>
        {label}
      </Text>
      <Text size="sm" fw={strong ? 700 : undefined} data-amount={label}>
        {value}
      </Text>
    </Group>
  );
}

function LinesTable({ invoice }: { invoice: Invoice }) {
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  return (
    <Paper withBorder p="md">
      <Table>
        <LinesHead />
        <Table.Tbody>
          {invoice.lines.map((line) => (
            <Table.Tr key={line.id}>
              <Table.Td>{line.description}</Table.Td>
              <Table.Td>{line.quantity}</Table.Td>
              <Table.Td>{money(line.unitPrice)}</Table.Td>
              <Table.Td>{(line.taxRate / 100).toFixed(2)} %</Table.Td>
              <Table.Td>{money(line.amount)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Totals currency={invoice.currency} subtotal={invoice.subtotal} tax={invoice.tax} total={invoice.total} />
    </Paper>
  );
}

function LinesHead({ editing }: { editing?: boolean }) {
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>{t('invoices.description')}</Table.Th>
        <Table.Th w={110}>{t('invoices.quantity')}</Table.Th>
        <Table.Th w={140}>{t('invoices.unitPrice')}</Table.Th>
        <Table.Th w={100}>{t('invoices.taxRate')}</Table.Th>
        <Table.Th w={130}>{t('field.amount')}</Table.Th>
        {editing && <Table.Th w={50}>{t('common.actions')}</Table.Th>}
      </Table.Tr>
    </Table.Thead>
  );
}

function Totals({ currency, subtotal, tax, total }: { currency: string; subtotal: number; tax: number; total: number }) {
  return (
    <Stack gap={4} maw={420} ml="auto" mt="sm">
      <Amount label={t('invoices.subtotal')} value={formatMoney(subtotal, currency)} />
      <Amount label={t('invoices.tax')} value={formatMoney(tax, currency)} />
      <Amount label={t('invoices.total')} value={formatMoney(total, currency)} strong />
    </Stack>
  );
}

const LINE_MESSAGES = () => ({
  description: t('invoices.errorDescription'),
  quantity: t('invoices.errorQuantity'),
  unitPrice: t('invoices.errorUnitPrice'),
  taxRate: t('invoices.errorTaxRate'),
});

/** A draft's lines as inputs, priced live as billing will price them; saved together (PATCH replaces every line). */
function LinesEditor({ invoice }: { invoice: Invoice }) {
  const queryClient = useQueryClient();
  const [lines, setLines] = useState<EditLine[]>(() => toEditLines(invoice));
  const [apiErrors, setApiErrors] = useState<LineErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // The lines are set again when the saved lines change, not on any change of the draft: saving
  // its details (customer, dates) must not drop lines being edited.
  const savedLines = JSON.stringify(invoice.lines);
  const [shownLines, setShownLines] = useState(savedLines);
  if (shownLines !== savedLines) {
    setShownLines(savedLines);
    setLines(toEditLines(invoice));
  }

  // Products offered for a new line: active ones priced in the invoice's currency (billing refuses others).
  const products = useProducts();
  const offered = (products.data?.data ?? []).filter((product) => product.active && product.currency === invoice.currency);
  const errors = { ...lineErrors(lines, invoice.currency, LINE_MESSAGES()), ...apiErrors };
  const drafts = lines.map((line) => draftLine(line, invoice.currency));
  const totals = invoiceTotals(drafts.filter((draft) => draft !== null));
  const dirty = JSON.stringify(lines.map(({ key: _key, ...line }) => line)) !== JSON.stringify(toEditLines(invoice).map(({ key: _key, ...line }) => line));

  const change = (index: number, patch: Partial<EditLine>) => {
    setLines((current) => current.map((line, at) => (at === index ? { ...line, ...patch } : line)));
    setApiErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !key.startsWith(`${index}.`))));
  };
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/api/v1/invoices/{id}', { params: { path: { id: invoice.id } }, body: { lines: toLineBodies(lines, invoice.currency) } })),
    onSuccess: (updated) => {
      setApiErrors({});
      setFormError(null);
      queryClient.setQueryData(invoiceKey(invoice.id), updated);
      // Other lists of invoices, and the PDF of these lines; not the invoice just set.
      void queryClient.invalidateQueries({ queryKey: ['invoices'], predicate: (query) => query.queryKey[1] !== invoice.id || query.queryKey[2] === 'pdf' });
    },
    onError: (error) => {
      const atLines = apiLineErrors(error);
      setApiErrors(atLines);
      setFormError(Object.keys(atLines).length ? null : error instanceof ApiError ? error.message : messageOf(error));
    },
  });

  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (Object.keys(errors).length === 0) save.mutate();
        }}
        noValidate
      >
        {formError && <ErrorAlert error={new Error(formError)} />}
        <Table>
          <LinesHead editing />
          <Table.Tbody>
            {lines.map((line, index) => {
              const amounts = drafts[index] ? lineAmounts(drafts[index]) : null;
              const n = index + 1;
              return (
                <Table.Tr key={line.key} data-line={index}>
                  <Table.Td>
                    <TextInput
                      aria-label={t('invoices.lineDescription', { n })}
                      value={line.description}
                      error={errors[`${index}.description`]}
                      onChange={(event) => change(index, { description: event.currentTarget.value })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={t('invoices.lineQuantity', { n })}
                      inputMode="decimal"
                      value={line.quantity}
                      error={errors[`${index}.quantity`]}
                      onChange={(event) => change(index, { quantity: event.currentTarget.value })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={t('invoices.lineUnitPrice', { n })}
                      inputMode="decimal"
                      value={line.unitPrice}
                      error={errors[`${index}.unitPrice`]}
                      onChange={(event) => change(index, { unitPrice: event.currentTarget.value })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={t('invoices.lineTaxRate', { n })}
                      inputMode="decimal"
                      value={line.taxRate}
                      error={errors[`${index}.taxRate`]}
                      onChange={(event) => change(index, { taxRate: event.currentTarget.value })}
                      rightSection="%"
                    />
                  </Table.Td>
                  <Table.Td>{amounts ? formatMoney(Number(amounts.amount), invoice.currency) : '—'}</Table.Td>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('invoices.removeLine', { n })}
                      disabled={lines.length === 1}
                      onClick={() => {
                        setLines((current) => current.filter((_, at) => at !== index));
                        setApiErrors({});
                      }}
                    >
                      ✕
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Group justify="space-between" mt="sm">
          <Group align="end">
            <Button variant="default" onClick={() => setLines((current) => [...current, emptyLine()])}>
              {t('invoices.addLine')}
            </Button>
            <Select
              aria-label={t('invoices.addProduct')}
              placeholder={t('invoices.addProduct')}
              data={offered.map((product) => ({ value: product.id, label: `${product.name} · ${formatMoney(product.unitPrice, product.currency)}` }))}
              value={null}
              onChange={(id) => {
                const product = offered.find((candidate) => candidate.id === id);
                if (product) setLines((current) => [...current, lineFromProduct(product)]);
              }}
              searchable
              nothingFoundMessage={t('list.empty')}
            />
          </Group>
          <Button type="submit" disabled={!dirty || Object.keys(errors).length > 0} loading={save.isPending}>
            {t('invoices.saveLines')}
          </Button>
        </Group>
        <Totals currency={invoice.currency} {...totals} />
      </form>
    </Paper>
  );
}

/** The customer's name, linked to its contact or company page where its wallet and ledger are. */
function CustomerLink({ customer }: { customer: Invoice['customer'] }) {
  const to = customer.contactId ? `/contacts/${customer.contactId}` : customer.companyId ? `/companies/${customer.companyId}` : null;
  if (!to) return customer.name;
  return (
    <Anchor component={Link} to={to} inherit underline="always">
      {customer.name}
    </Anchor>
  );
}

function Payments({ invoice, canWrite, onChange }: { invoice: Invoice; canWrite: boolean; onChange: () => Promise<void> }) {
  const payments = useQuery({
    queryKey: ['payments', invoice.id],
    queryFn: () => unwrap(api.GET('/api/v1/payments', { params: { query: { invoiceId: invoice.id, limit: 100 } } })),
  });
  const [amount, setAmount] = useState(minorToInput(invoice.amountDue, invoice.currency));
  const [method, setMethod] = useState<'manual' | 'bank_transfer'>('bank_transfer');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [key, renewKey] = useIdempotencyKey();
  useEffect(() => setAmount(minorToInput(invoice.amountDue, invoice.currency)), [invoice.amountDue, invoice.currency]);
  const record = useMutation({
    mutationFn: (minor: number) =>
      unwrap(
        api.POST('/api/v1/payments', {
          params: { header: { 'Idempotency-Key': key } },
          body: { invoiceId: invoice.id, amount: minor, method, reference: reference.trim() || undefined },
        }),
      ),
    onSuccess: async (payment) => {
      setError(null);
      setReference('');
      renewKey();
      notifications.show({ color: 'green', message: t('invoices.paymentRecorded', { amount: formatMoney(payment.amount, payment.currency) }) });
      await onChange();
    },
    onError: (failure) => setError(failure instanceof ApiError ? (failure.fieldIssue('amount') ?? failure.message) : messageOf(failure)),
  });
  const open = invoice.status === 'open' && invoice.amountDue > 0;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('invoices.payments')}
      </Title>
      {canWrite && open && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const minor = parseMoney(amount, invoice.currency);
            if (minor === null || minor <= 0) setError(t('invoices.errorAmount'));
            else record.mutate(minor);
          }}
          noValidate
        >
          <Group align="start" grow>
            <TextInput label={t('field.amount')} inputMode="decimal" value={amount} onChange={(event) => setAmount(event.currentTarget.value)} error={error} />
            <Select
              label={t('invoices.method')}
              data={[
                { value: 'bank_transfer', label: t('invoices.bankTransfer') },
                { value: 'manual', label: t('invoices.manual') },
              ]}
              value={method}
              allowDeselect={false}
              onChange={(value) => value && setMethod(value as typeof method)}
            />
          </Group>
          <TextInput label={t('invoices.reference')} value={reference} onChange={(event) => setReference(event.currentTarget.value)} mt="xs" />
          <Button type="submit" mt="xs" size="xs" loading={record.isPending}>
            {t('invoices.recordPayment')}
          </Button>
        </form>
      )}
      {payments.isError && <ErrorAlert error={payments.error} />}
      <Stack gap={4} mt="sm">
        {payments.data?.data.map((payment) => (
          <Group key={payment.id} justify="space-between" data-payment={payment.id}>
            <Text size="sm">
              {formatMoney(payment.amount, payment.currency)} · {payment.method.replace(/_/g, ' ')}
              {payment.reference ? ` · ${payment.reference}` : ''}
            </Text>
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                {formatDateTime(payment.receivedAt)}
              </Text>
              {canWrite && <RefundPayment payment={payment} onDone={onChange} />}
            </Group>
          </Group>
        ))}
        {payments.data?.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('list.empty')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function CreditNotes({ invoice, canWrite, onChange }: { invoice: Invoice; canWrite: boolean; onChange: () => Promise<void> }) {
  const notes = useQuery({
    queryKey: ['credit-notes', invoice.id],
    queryFn: () => unwrap(api.GET('/api/v1/invoices/{id}/credit-notes', { params: { path: { id: invoice.id } } })),
  });
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [refund, setRefund] = useState<'none' | 'wallet' | 'original'>('none');
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (minor: number) =>
      unwrap(
        api.POST('/api/v1/invoices/{id}/credit-notes', {
          params: { path: { id: invoice.id } },
          body: { amount: minor, reason: reason.trim() || undefined, refund },
        }),
      ),
    onSuccess: async (note) => {
      setError(null);
      setAmount('');
      setReason('');
      notifications.show({ color: 'green', message: t('invoices.creditNoteCreated', { number: note.number }) });
      await onChange();
    },
    onError: (failure) => setError(failure instanceof ApiError ? (failure.fieldIssue('amount') ?? failure.message) : messageOf(failure)),
  });
  const creditable = invoice.status === 'open' || invoice.status === 'paid';
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('invoices.creditNotes')}
      </Title>
      {canWrite && creditable && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const minor = parseMoney(amount, invoice.currency);
            if (minor === null || minor <= 0) setError(t('invoices.errorAmount'));
            else create.mutate(minor);
          }}
          noValidate
        >
          <Group align="start" grow>
            <TextInput
              label={t('invoices.creditAmount')}
              inputMode="decimal"
              value={amount}
              onChange={(event) => setAmount(event.currentTarget.value)}
              error={error}
            />
            <Select
              label={t('invoices.refund')}
              data={[
                { value: 'none', label: t('invoices.refundNone') },
                { value: 'wallet', label: t('invoices.refundWallet') },
                { value: 'original', label: t('invoices.refundOriginal') },
              ]}
              value={refund}
              allowDeselect={false}
              onChange={(value) => value && setRefund(value as typeof refund)}
            />
          </Group>
          <TextInput label={t('invoices.reason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} mt="xs" />
          <Button type="submit" mt="xs" size="xs" variant="light" loading={create.isPending}>
            {t('invoices.createCreditNote')}
          </Button>
        </form>
      )}
      {notes.isError && <ErrorAlert error={notes.error} />}
      <Stack gap={4} mt="sm">
        {notes.data?.data.map((note) => (
          <Group key={note.id} justify="space-between">
            <Text size="sm">
              {note.number} · {formatMoney(note.amount, note.currency)}
              {note.reason ? ` · ${note.reason}` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(note.createdAt)}
            </Text>
          </Group>
        ))}
        {notes.data?.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('list.empty')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
