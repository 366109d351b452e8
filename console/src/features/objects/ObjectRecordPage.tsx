import { Badge, Button, Grid, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { RecordHeader } from '../../components/RecordHeader';
import { RecordActivity } from '../../components/RecordPanels';
import { TypedValueField } from '../../components/TypedValueField';
import { messageOf } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { objectsApi, type ObjectRecord } from './objects-api';
import { recordTitle } from './record-title';

/** One record of a custom object: every declared field edited inline by its type, with the API's refusal at the field. */
export function Component() {
  const { key = '', id = '' } = useParams();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const canWrite = useCan('records:write');
  const type = useQuery({ queryKey: ['objects', 'types', key], queryFn: () => objectsApi.type(key) });
  const record = useQuery({ queryKey: [`object:${key}`, id], queryFn: () => objectsApi.record(key, id) });

  const refresh = async (updated: ObjectRecord) => {
    queryClient.setQueryData([`object:${key}`, id], updated);
    await queryClient.invalidateQueries({ queryKey: [`object:${key}`, 'list'] });
  };
  const remove = useMutation({
    mutationFn: () => objectsApi.remove(key, id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: [`object:${key}`] });
      notifications.show({ message: t('objects.deleted') });
      navigate(`/objects/${key}`);
    },
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
  });
  const restore = useMutation({
    mutationFn: () => objectsApi.restore(key, id),
    onSuccess: refresh,
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
  });

  if (type.isPending || record.isPending) return <Loading />;
  if (type.isError) return <ErrorAlert error={type.error} />;
  if (record.isError) return <ErrorAlert error={record.error} />;
  const deleted = record.data.deletedAt !== null;
  return (
    <Stack>
      <RecordHeader
        backTo={`/objects/${key}`}
        backLabel={type.data.pluralLabel}
        title={recordTitle(type.data, record.data)}
        subtitle={`${type.data.singularLabel} · ${t('objects.updated', { at: formatDateTime(record.data.updatedAt) })}`}
      >
        {canWrite && (
          <Group>
            {deleted ? (
              <>
                <Badge color="red">{t('objects.isDeleted')}</Badge>
                <Button variant="light" onClick={() => restore.mutate()} loading={restore.isPending}>
                  {t('objects.restore')}
                </Button>
              </>
            ) : (
              <Button color="red" variant="light" onClick={() => remove.mutate()} loading={remove.isPending}>
                {t('objects.delete')}
              </Button>
            )}
          </Group>
        )}
      </RecordHeader>
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('contacts.details')}
            </Title>
            {type.data.fields.length === 0 && <Text c="dimmed">{t('objects.noFields')}</Text>}
            <SimpleGrid cols={1} spacing="sm">
              {type.data.fields.map((field) => (
                <TypedValueField
                  key={field.key}
                  field={field}
                  name={`values.${field.key}`}
                  value={record.data.values[field.key]}
                  disabled={!canWrite || deleted}
                  onSave={async (value) => refresh(await objectsApi.update(key, id, { [field.key]: value }))}
                />
              ))}
            </SimpleGrid>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <RecordActivity related={{ type: 'record', object: key, id }} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
