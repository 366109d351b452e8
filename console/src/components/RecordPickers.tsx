import { MultiSelect, Select, type OptionsFilter } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { contactName } from '../features/contacts/contacts-api';
import { api } from '../lib/api';
import { unwrap } from '../lib/api-error';
import { t } from '../lib/i18n';
import { useWorkspaceUsers } from '../lib/users';

export type Option = { value: string; label: string };

/** The options a search found, with the ones already chosen kept so their labels stay. */
export function mergeOptions(chosen: Option[], found: Option[]): Option[] {
  const seen = new Set(chosen.map((option) => option.value));
  return [...chosen, ...found.filter((option) => !seen.has(option.value))];
}

/** A kind of record a picker offers: how the API reads one, how it searches them, and what one is called. */
interface PickedKind<Picked extends { id: string }> {
  /** The head of its query keys: the kind's changes refresh the names shown. */
  key: string;
  get: (id: string) => Promise<Picked>;
  search: (q: string) => Promise<{ data: Picked[] }>;
  label: (record: Picked) => string;
}

const COMPANIES = {
  key: 'companies',
  get: (id: string) => unwrap(api.GET('/api/v1/companies/{id}', { params: { path: { id } } })),
  search: (q: string) => unwrap(api.GET('/api/v1/companies', { params: { query: { q: q || undefined, limit: 20 } } })),
  label: (company: { name: string }) => company.name,
};
const CONTACTS = {
  key: 'contacts',
  get: (id: string) => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
  search: (q: string) => unwrap(api.GET('/api/v1/contacts', { params: { query: { q: q || undefined, limit: 20 } } })),
  label: contactName,
};
const DEALS = {
  key: 'deals',
  get: (id: string) => unwrap(api.GET('/api/v1/deals/{id}', { params: { path: { id } } })),
  search: (q: string) => unwrap(api.GET('/api/v1/deals', { params: { query: { q: q || undefined, limit: 20 } } })),
  label: (deal: { name: string }) => deal.name,
};

/**
 * A picker's options: the records chosen (a view's ids too), named, then those found by the search
 * typed so far (the API's q).
 */
function useRecordOptions<Picked extends { id: string }>(kind: PickedKind<Picked>, ids: string[]) {
  const [q, setQ] = useState('');
  // One query for the chosen ones (useQueries would bring its observer to the contacts page's first load).
  const chosen = useQuery({
    queryKey: [kind.key, 'named', ids],
    queryFn: () => Promise.all(ids.map((id) => kind.get(id))),
    enabled: ids.length > 0,
    // The names known stay while one more is asked for.
    placeholderData: (previous) => previous,
  });
  const found = useQuery({ queryKey: [kind.key, 'pick', q], queryFn: () => kind.search(q) });
  const named = ids.map((id) => {
    const record = chosen.data?.find((one) => one.id === id);
    return { value: id, label: record ? kind.label(record) : id };
  });
  return {
    search: q,
    /** The field's props: the search typed goes to the server, whose answer is shown whole. */
    field: {
      data: mergeOptions(named, found.data?.data.map((record) => ({ value: record.id, label: kind.label(record) })) ?? []),
      onSearchChange: setQ,
      filter: showAll,
      searchable: true,
      clearable: true,
      nothingFoundMessage: t('palette.empty'),
    },
  };
}

const showAll: OptionsFilter = ({ options }) => options;

type OneRecordPickerProps = { label: string; value: string; onChange: (id: string) => void; w?: number };

/** One record picked by name; '' is none. */
function OneRecordPicker<Picked extends { id: string }>({ kind, value, onChange, ...props }: OneRecordPickerProps & { kind: PickedKind<Picked> }) {
  const options = useRecordOptions(kind, value ? [value] : []);
  return <Select {...options.field} {...props} value={value || null} onChange={(id) => onChange(id ?? '')} />;
}

/** Companies picked by name; the chosen ones named. */
export function CompanyPicker({
  value,
  ...props
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
  const options = useRecordOptions(COMPANIES, value);
  return <MultiSelect {...options.field} searchValue={options.search} {...props} value={value} />;
}

/** One contact picked by name. */
export function ContactPicker(props: OneRecordPickerProps) {
  return <OneRecordPicker kind={CONTACTS} {...props} />;
}

/** One deal picked by name. */
export function DealPicker(props: OneRecordPickerProps) {
  return <OneRecordPicker kind={DEALS} {...props} />;
}

/**
 * A list's filter on one member of the workspace (the assignee of a task or ticket): "Me" (the
 * API's `me`, whoever is signed in, so a saved view works for each colleague) or a member by name.
 */
export function MemberFilterSelect({
  label,
  meLabel,
  value,
  onChange,
}: {
  label: string;
  meLabel: string;
  /** 'me', a user's id, or '' for anyone. */
  value: string;
  onChange: (value: string) => void;
}) {
  const users = useWorkspaceUsers();
  return (
    <Select
      label={label}
      data={[{ value: 'me', label: meLabel }, ...(users.data?.data ?? []).map((user) => ({ value: user.id, label: user.name }))]}
      value={value || null}
      onChange={(picked) => onChange(picked ?? '')}
      searchable
      clearable
      w={200}
    />
  );
}
