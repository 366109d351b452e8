import { Anchor, Group, MultiSelect, Select, Stack } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { mergeOptions } from '../../components/RecordPickers';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { t } from './i18n';
import { contactName } from '../contacts/contacts-api';
import type { Deal } from './deals-api';

const issueOf = (error: unknown, field: string) => (error instanceof ApiError ? (error.fieldIssue(field) ?? error.message) : messageOf(error));

/** The deal's company and contacts: searched as one types (the API's q), saved on choosing, linked to their pages. */
export function DealLinks({
  deal,
  disabled,
  onSave,
}: {
  deal: Deal;
  disabled: boolean;
  onSave: (body: { companyId?: string | null; contactIds?: string[] }) => Promise<unknown>;
}) {
  const [companyQ, setCompanyQ] = useState('');
  const [contactQ, setContactQ] = useState('');
  const [companyError, setCompanyError] = useState<string | null>(null);
  const [contactsError, setContactsError] = useState<string | null>(null);

  const company = useQuery({
    queryKey: ['companies', deal.companyId],
    queryFn: () => unwrap(api.GET('/api/v1/companies/{id}', { params: { path: { id: deal.companyId! } } })),
    enabled: !!deal.companyId,
  });
  const companies = useQuery({
    queryKey: ['companies', 'pick', companyQ],
    queryFn: () => unwrap(api.GET('/api/v1/companies', { params: { query: { q: companyQ || undefined, limit: 20 } } })),
  });
  const linked = useQueries({
    queries: deal.contactIds.map((id) => ({
      queryKey: ['contacts', id],
      queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
    })),
  });
  const contacts = useQuery({
    queryKey: ['contacts', 'pick', contactQ],
    queryFn: () => unwrap(api.GET('/api/v1/contacts', { params: { query: { q: contactQ || undefined, limit: 20 } } })),
  });

  const chosenCompany = company.data ? [{ value: company.data.id, label: company.data.name }] : [];
  const chosenContacts = linked.flatMap((query) => (query.data ? [{ value: query.data.id, label: contactName(query.data) }] : []));

  const save = async (body: Parameters<typeof onSave>[0], field: 'companyId' | 'contactIds', setError: (error: string | null) => void) => {
    try {
      await onSave(body);
      setError(null);
    } catch (error) {
      setError(issueOf(error, field));
    }
  };

  return (
    <Stack gap="sm">
      <Select
        label={t('field.company')}
        searchable
        clearable
        disabled={disabled}
        data={mergeOptions(chosenCompany, companies.data?.data.map((c) => ({ value: c.id, label: c.name })) ?? [])}
        filter={({ options }) => options}
        value={deal.companyId}
        onSearchChange={setCompanyQ}
        onChange={(companyId) => void save({ companyId }, 'companyId', setCompanyError)}
        error={companyError}
        nothingFoundMessage={t('palette.empty')}
      />
      {company.data && (
        <Anchor component={Link} to={`/companies/${company.data.id}`} size="sm">
          {company.data.name}
        </Anchor>
      )}
      <MultiSelect
        label={t('deals.contacts')}
        searchable
        disabled={disabled}
        data={mergeOptions(chosenContacts, contacts.data?.data.map((c) => ({ value: c.id, label: contactName(c) })) ?? [])}
        filter={({ options }) => options}
        value={deal.contactIds}
        searchValue={contactQ}
        onSearchChange={setContactQ}
        onChange={(contactIds) => void save({ contactIds }, 'contactIds', setContactsError)}
        error={contactsError}
        nothingFoundMessage={t('palette.empty')}
      />
      <Group gap="sm">
        {chosenContacts.map((contact) => (
          <Anchor key={contact.value} component={Link} to={`/contacts/${contact.value}`} size="sm">
            {contact.label}
          </Anchor>
        ))}
      </Group>
    </Stack>
  );
}
