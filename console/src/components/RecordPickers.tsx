import { MultiSelect, Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { contactName } from '../features/contacts/contacts-api';
import { api } from '../lib/api';
import { unwrap } from '../lib/api-error';
import { t } from '../lib/i18n';

export type Option = { value: string; label: string };

/** The options a search found, with the ones already chosen kept so their labels stay. */
export function mergeOptions(chosen: Option[], found: Option[]): Option[] {
  const seen = new Set(chosen.map((option) => option.value));
  return [...chosen, ...found.filter((option) => !seen.has(option.value))];
}

const company = (id: string) => unwrap(api.GET('/api/v1/companies/{id}', { params: { path: { id } } }));
const contact = (id: string) => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } }));
const deal = (id: string) => unwrap(api.GET('/api/v1/deals/{id}', { params: { path: { id } } }));

/** Companies picked by name, searched as one types (the API's q); the ones chosen (a view's ids too) named. */
export function CompanyPicker({
  label,
  value,
  onChange,
  error,
  disabled,
  maxValues,
  w,
}: {
  label: string;
  value: string[];
  onChange: (ids: string[]) => void;
  error?: ReactNode;
  disabled?: boolean;
  /** 1 where the API takes one company. */
  maxValues?: number;
  w?: number;
}) {
  const [q, setQ] = useState('');
  // One query for the chosen ones (useQueries would bring its observer to the contacts page's first load).
  const chosen = useQuery({
    queryKey: ['companies', 'named', value],
    queryFn: () => Promise.all(value.map(company)),
    enabled: value.length > 0,
    // The names known stay while one more is asked for.
    placeholderData: (previous) => previous,
  });
  const found = useQuery({
    queryKey: ['companies', 'pick', q],
    queryFn: () => unwrap(api.GET('/api/v1/companies', { params: { query: { q: q || undefined, limit: 20 } } })),
  });
  const named = value.map((id) => ({ value: id, label: chosen.data?.find((one) => one.id === id)?.name ?? id }));
  return (
    <MultiSelect
      label={label}
      searchable
      clearable
      data={mergeOptions(named, found.data?.data.map((c) => ({ value: c.id, label: c.name })) ?? [])}
      filter={({ options }) => options}
      value={value}
      searchValue={q}
      onSearchChange={setQ}
      onChange={onChange}
      nothingFoundMessage={t('palette.empty')}
      error={error}
      disabled={disabled}
      maxValues={maxValues}
      w={w}
    />
  );
}

/** One contact picked by name, searched as one types (the API's q); the one chosen (a view's id too) named. */
export function ContactPicker({ label, value, onChange, w }: { label: string; value: string; onChange: (id: string) => void; w?: number }) {
  const [q, setQ] = useState('');
  const chosen = useQuery({ queryKey: ['contacts', value], queryFn: () => contact(value), enabled: value !== '' });
  const found = useQuery({
    queryKey: ['contacts', 'pick', q],
    queryFn: () => unwrap(api.GET('/api/v1/contacts', { params: { query: { q: q || undefined, limit: 20 } } })),
  });
  const named = value ? [{ value, label: chosen.data ? contactName(chosen.data) : value }] : [];
  return (
    <Select
      label={label}
      searchable
      clearable
      data={mergeOptions(named, found.data?.data.map((c) => ({ value: c.id, label: contactName(c) })) ?? [])}
      filter={({ options }) => options}
      value={value || null}
      onSearchChange={setQ}
      onChange={(id) => onChange(id ?? '')}
      nothingFoundMessage={t('palette.empty')}
      w={w}
    />
  );
}

/** One deal picked by name, searched as one types (the API's q); the one chosen (a view's id too) named. */
export function DealPicker({ label, value, onChange, w }: { label: string; value: string; onChange: (id: string) => void; w?: number }) {
  const [q, setQ] = useState('');
  const chosen = useQuery({ queryKey: ['deals', value], queryFn: () => deal(value), enabled: value !== '' });
  const found = useQuery({
    queryKey: ['deals', 'pick', q],
    queryFn: () => unwrap(api.GET('/api/v1/deals', { params: { query: { q: q || undefined, limit: 20 } } })),
  });
  const named = value ? [{ value, label: chosen.data?.name ?? value }] : [];
  return (
    <Select
      label={label}
      searchable
      clearable
      data={mergeOptions(named, found.data?.data.map((d) => ({ value: d.id, label: d.name })) ?? [])}
      filter={({ options }) => options}
      value={value || null}
      onSearchChange={setQ}
      onChange={(id) => onChange(id ?? '')}
      nothingFoundMessage={t('palette.empty')}
      w={w}
    />
  );
}
