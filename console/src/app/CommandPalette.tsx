import { Modal, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../lib/api';
import { unwrap } from '../lib/api-error';
import { t } from '../lib/i18n';

interface Hit {
  kind: string;
  label: string;
  to: string;
}

async function search(q: string): Promise<Hit[]> {
  const query = { q, limit: 5 };
  const [contacts, companies, deals] = await Promise.all([
    unwrap(api.GET('/api/v1/contacts', { params: { query } })),
    unwrap(api.GET('/api/v1/companies', { params: { query } })),
    unwrap(api.GET('/api/v1/deals', { params: { query } })),
  ]);
  return [
    ...contacts.data.map((c) => ({
      kind: t('nav.contacts'),
      label: [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.id,
      to: `/contacts/${c.id}`,
    })),
    ...companies.data.map((c) => ({ kind: t('nav.companies'), label: c.name, to: `/companies/${c.id}` })),
    ...deals.data.map((d) => ({ kind: t('nav.deals'), label: d.name, to: `/deals/${d.id}` })),
  ];
}

/** Ctrl+K: one search across contacts, companies and deals; arrows move, Enter opens, Esc closes. */
export function CommandPalette({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const [debounced] = useDebouncedValue(q.trim(), 150);
  const navigate = useNavigate();
  const hits = useQuery({ queryKey: ['palette', debounced], queryFn: () => search(debounced), enabled: opened && debounced.length > 0 });
  const results = hits.data ?? [];

  const open = (hit: Hit) => {
    onClose();
    setQ('');
    navigate(hit.to);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') setActive((index) => Math.min(index + 1, results.length - 1));
    else if (event.key === 'ArrowUp') setActive((index) => Math.max(index - 1, 0));
    else if (event.key === 'Enter' && results[active]) open(results[active]);
    else return;
    event.preventDefault();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('palette.title')} size="lg">
      <TextInput
        label={t('palette.label')}
        placeholder={t('palette.placeholder')}
        value={q}
        onChange={(event) => {
          setQ(event.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        data-autofocus
      />
      <Stack gap={2} mt="sm" role="listbox" aria-label={t('palette.results')}>
        {results.map((hit, index) => (
          <UnstyledButton
            key={hit.to + index}
            role="option"
            aria-selected={index === active}
            onClick={() => open(hit)}
            p="xs"
            style={{ borderRadius: 6, background: index === active ? 'var(--mantine-color-default-hover)' : undefined }}
          >
            <Text size="sm">{hit.label}</Text>
            <Text size="xs" c="dimmed">
              {hit.kind}
            </Text>
          </UnstyledButton>
        ))}
        {debounced && hits.isSuccess && results.length === 0 && <Text c="dimmed">{t('palette.empty')}</Text>}
      </Stack>
    </Modal>
  );
}
