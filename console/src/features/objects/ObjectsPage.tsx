import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { t } from './i18n';
import { useObjectTypes } from './objects-api';

/** Every custom object type of the workspace with its fields, each opening its records: no settings needed to find them. */
export function Component() {
  const types = useObjectTypes();
  return (
    <Stack>
      <Title order={1}>{t('nav.objects')}</Title>
      {types.isPending && <Loading />}
      {types.isError && <ErrorAlert error={types.error} />}
      {types.data?.data.length === 0 && <Text c="dimmed">{t('objects.none')}</Text>}
      {types.data && types.data.data.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('objects.object')}</Table.Th>
              <Table.Th>{t('objects.key')}</Table.Th>
              <Table.Th>{t('objects.fields')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {types.data.data.map((type) => (
              <Table.Tr key={type.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/objects/${type.key}`}>
                    {type.icon ? `${type.icon} ` : ''}
                    {type.pluralLabel}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <code>{type.key}</code>
                </Table.Td>
                <Table.Td>{type.fields.map((field) => `${field.label} (${field.type})`).join(', ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
