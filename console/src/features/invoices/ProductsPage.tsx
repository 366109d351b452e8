import { Anchor, Checkbox, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { formatDateTime, formatMoney } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { parseMoney } from '../../lib/money';
import { t } from './i18n';
import { taxRateOf, type Product } from './invoice-lines';
import { productsKey, useDeletedProducts, useProducts } from './products-api';
import { FormModal } from '../../components/FormModal';

/** The catalogue: each product's price and tax rate, switched on or off for new invoice lines, deleted; a new one added; the deleted ones listed and restored. */
export function Component() {
  const queryClient = useQueryClient();
  const canWrite = useCan('billing:write');
  const [creating, setCreating] = useState(false);
  const [showDeleted, setShowDeleted] = useState(false);
  const live = useProducts();
  const deleted = useDeletedProducts(showDeleted);
  const products = showDeleted ? deleted : live;
  const refresh = () => queryClient.invalidateQueries({ queryKey: productsKey });
  const setActive = useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) => unwrap(api.PATCH('/api/v1/products/{id}', { params: { path: { id } }, body: { active } })),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (product: Product) => unwrap(api.DELETE('/api/v1/products/{id}', { params: { path: { id: product.id } } })),
    onSuccess: (_, product) => notifications.show({ message: t('products.deleted', { name: product.name }) }),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
    onSettled: refresh,
  });
  const restore = useMutation({
    mutationFn: (product: Product) => unwrap(api.POST('/api/v1/products/{id}/restore', { params: { path: { id: product.id } } })),
    onSuccess: (_, product) => notifications.show({ color: 'green', message: t('products.restored', { name: product.name }) }),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
    onSettled: refresh,
  });
  return (
    <Stack>
      <Anchor component={Link} to="/invoices" size="sm">
        ← {t('nav.invoices')}
      </Anchor>
      <Group justify="space-between">
        <Title order={1}>{t('products.title')}</Title>
        <Group>
          <Checkbox label={t('products.showDeleted')} checked={showDeleted} onChange={(event) => setShowDeleted(event.currentTarget.checked)} />
          {canWrite && <Button onClick={() => setCreating(true)}>{t('products.new')}</Button>}
        </Group>
      </Group>
      {products.isPending && <Loading />}
      {products.isError && <ErrorAlert error={products.error} />}
      {products.data?.data.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      {products.data && products.data.data.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('products.name')}</Table.Th>
              <Table.Th>{t('products.sku')}</Table.Th>
              <Table.Th>{t('products.price')}</Table.Th>
              <Table.Th>{t('products.taxRate')}</Table.Th>
              <Table.Th>{showDeleted ? t('products.deletedAt') : t('products.active')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {products.data.data.map((product) => (
              <Table.Tr key={product.id} data-product={product.sku}>
                <Table.Td>{product.name}</Table.Td>
                <Table.Td>{product.sku}</Table.Td>
                <Table.Td>{formatMoney(product.unitPrice, product.currency)}</Table.Td>
                <Table.Td>{`${(product.taxRate / 100).toFixed(2)} %`}</Table.Td>
                <Table.Td>
                  {product.deletedAt ? (
                    formatDateTime(product.deletedAt)
                  ) : (
                    <Checkbox
                      aria-label={t('products.activeOf', { name: product.name })}
                      checked={product.active}
                      disabled={!canWrite}
                      onChange={(event) => setActive.mutate({ id: product.id, active: event.currentTarget.checked })}
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  {canWrite && product.deletedAt && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => restore.mutate(product)}
                      aria-label={t('products.restore', { name: product.name })}
                    >
                      {t('products.restoreShort')}
                    </Button>
                  )}
                  {canWrite && !product.deletedAt && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() => remove.mutate(product)}
                      aria-label={t('products.delete', { name: product.name })}
                    >
                      {t('products.deleteShort')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <NewProductModal opened={creating} onClose={() => setCreating(false)} onCreated={refresh} />
    </Stack>
  );
}

const FIELDS = ['name', 'sku', 'unitPrice', 'currency', 'taxRate'] as const;

function NewProductModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: '', sku: '', unitPrice: '', currency: 'USD', taxRate: '0' },
    validate: {
      // The price is read in the currency's own decimals, so a third decimal of USD is named before sending.
      unitPrice: (value, values) => (parseMoney(value, values.currency.trim().toUpperCase()) === null ? t('products.priceInvalid') : null),
      taxRate: (value) => (taxRateOf(value) === null ? t('products.taxRateInvalid') : null),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    const currency = values.currency.trim().toUpperCase();
    try {
      const product = await unwrap(
        api.POST('/api/v1/products', {
          body: { name: values.name, sku: values.sku, unitPrice: parseMoney(values.unitPrice, currency)!, currency, taxRate: taxRateOf(values.taxRate)! },
        }),
      );
      notifications.show({ color: 'green', message: t('products.created', { name: product.name }) });
      form.reset();
      onClose();
      await onCreated();
    } catch (failure) {
      setError(applyApiError(failure, FIELDS, form.setFieldError));
    }
  });
  return (
    <FormModal opened={opened} onClose={onClose} title={t('products.new')} onSubmit={submit} error={error} submitting={form.submitting}>
      <TextInput label={t('products.name')} required {...form.getInputProps('name')} mb="sm" data-autofocus />
      <TextInput label={t('products.sku')} required {...form.getInputProps('sku')} mb="sm" />
      <Group grow align="flex-start" mb="sm">
        <TextInput label={t('products.price')} required inputMode="decimal" {...form.getInputProps('unitPrice')} />
        <TextInput label={t('products.currency')} required maxLength={3} {...form.getInputProps('currency')} />
      </Group>
      <TextInput label={t('products.taxRate')} inputMode="decimal" rightSection="%" {...form.getInputProps('taxRate')} mb="md" />
    </FormModal>
  );
}
