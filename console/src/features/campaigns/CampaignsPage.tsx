import { Badge, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';

export function Component() {
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: () => unwrap(api.GET('/api/v1/campaigns', { params: { query: { limit: 100 } } })) });
  return (
    <>
      <Title order={1} mb="md">
        {t('nav.campaigns')}
      </Title>
      {campaigns.isPending && <Loading />}
      {campaigns.isError && <ErrorAlert error={campaigns.error} />}
      {campaigns.data && campaigns.data.data.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      {campaigns.data && campaigns.data.data.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.name')}</Table.Th>
              <Table.Th>{t('field.status')}</Table.Th>
              <Table.Th>{t('campaigns.sent')}</Table.Th>
              <Table.Th>{t('campaigns.scheduledAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.data.data.map((campaign) => (
              <Table.Tr key={campaign.id}>
                <Table.Td>{campaign.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{campaign.status}</Badge>
                </Table.Td>
                <Table.Td>
                  {campaign.counts.sent} / {campaign.counts.total}
                </Table.Td>
                <Table.Td>{formatDateTime(campaign.scheduledAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
