import { Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { RecordHeader } from '../../components/RecordHeader';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { t, type MessageKey } from './duplicates-i18n';
import { useCan } from '../../lib/me';
import { contactName } from './contacts-api';
import { COMPARED_FIELDS, mergePreview, type ComparedField } from './merge-preview';

type DuplicateGroup = components['schemas']['DuplicateGroup'];

const FIELD_LABELS: Record<ComparedField, MessageKey> = {
  firstName: 'field.firstName',
  lastName: 'field.lastName',
  email: 'field.email',
  phone: 'field.phone',
  jobTitle: 'field.jobTitle',
  companyName: 'field.company',
  lifecycleStage: 'field.lifecycleStage',
  leadSource: 'field.leadSource',
  ownerId: 'duplicates.owner',
  tags: 'field.tags',
};

const show = (value: unknown) => (Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value));

/** Groups of contacts that look like one person (GET /contacts/duplicates), each compared side by side and merged. */
export function Component() {
  const duplicates = useQuery({
    queryKey: ['contacts', 'duplicates'],
    queryFn: () => unwrap(api.GET('/api/v1/contacts/duplicates', { params: { query: { limit: 100 } } })),
  });
  return (
    <Stack>
      <RecordHeader backTo="/contacts" backLabel={t('nav.contacts')} title={t('duplicates.title')} />
      {duplicates.isPending && <Loading />}
      {duplicates.isError && <ErrorAlert error={duplicates.error} />}
      {duplicates.data?.data.length === 0 && <Text c="dimmed">{t('duplicates.none')}</Text>}
      {duplicates.data?.data.map((group) => (
        <DuplicateGroupPanel key={`${group.reason}:${group.contacts[0]?.id}`} group={group} />
      ))}
    </Stack>
  );
}

function DuplicateGroupPanel({ group }: { group: DuplicateGroup }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const canWrite = useCan('contacts:write');
  const [survivorId, setSurvivorId] = useState(group.contacts[0]!.id);
  const [otherId, setOtherId] = useState(group.contacts[1]?.id ?? null);
  const survivor = group.contacts.find((contact) => contact.id === survivorId)!;
  const other = group.contacts.find((contact) => contact.id === otherId && contact.id !== survivorId) ?? null;
  const merge = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/contacts/{id}/merge', { params: { path: { id: survivorId } }, body: { otherId: other!.id } })),
    onSuccess: async (merged) => {
      await queryClient.invalidateQueries({ queryKey: ['contacts'] });
      notifications.show({ color: 'green', message: t('duplicates.merged', { name: contactName(merged) }) });
      navigate(`/contacts/${merged.id}`);
    },
  });
  const options = group.contacts.map((contact) => ({
    value: contact.id,
    label: `${contactName(contact)} · ${contact.email ?? contact.phone ?? contact.id.slice(0, 8)}`,
  }));
  const preview = other ? mergePreview(survivor, other) : null;
  return (
    <Paper withBorder p="md" data-duplicates={group.reason}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t(`duplicates.reason.${group.reason}`)} <Badge variant="light">{group.count}</Badge>
        </Title>
      </Group>
      <Group grow mb="sm" align="end">
        <Select label={t('duplicates.keep')} data={options} value={survivorId} allowDeselect={false} onChange={(id) => id && setSurvivorId(id)} />
        <Select
          label={t('duplicates.mergeIn')}
          data={options.filter((option) => option.value !== survivorId)}
          value={other?.id ?? null}
          onChange={setOtherId}
        />
      </Group>
      {other && preview && (
        <Table.ScrollContainer minWidth={600}>
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('duplicates.field')}</Table.Th>
                <Table.Th>{t('duplicates.kept')}</Table.Th>
                <Table.Th>{t('duplicates.removed')}</Table.Th>
                <Table.Th>{t('duplicates.result')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {COMPARED_FIELDS.map((field) => {
                const differs = show(survivor[field]) !== show(other[field]);
                return (
                  <Table.Tr key={field} data-differs={differs || undefined}>
                    <Table.Th scope="row">{t(FIELD_LABELS[field])}</Table.Th>
                    <Table.Td fw={differs ? 700 : undefined}>{show(survivor[field])}</Table.Td>
                    <Table.Td fw={differs ? 700 : undefined}>{show(other[field])}</Table.Td>
                    <Table.Td>{show(preview[field])}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {merge.isError && <ErrorAlert error={new Error(messageOf(merge.error))} />}
      {canWrite && other && (
        <Group justify="flex-end" mt="sm">
          <Button onClick={() => merge.mutate()} loading={merge.isPending}>
            {t('duplicates.merge', { other: contactName(other), survivor: contactName(survivor) })}
          </Button>
        </Group>
      )}
    </Paper>
  );
}
