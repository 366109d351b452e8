import { Anchor, Badge, Button, Group, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { campaignsApi, IN_FLIGHT } from './campaigns-api';
import { t } from './i18n';

export function Component() {
  const navigate = useNavigate();
  const canWrite = useCan('campaigns:write');
  const canTemplates = useCan('email-templates:manage');
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: campaignsApi.list,
    // Counts move while a campaign is being sent.
    refetchInterval: (query) => (query.state.data?.data.some((campaign) => IN_FLIGHT.has(campaign.status)) ? 3000 : false),
  });
  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{t('nav.campaigns')}</Title>
        <Group>
          <Anchor component={Link} to="/campaigns/segments">
            {t('campaigns.segments')}
          </Anchor>
          {canTemplates && (
            <Anchor component={Link} to="/campaigns/templates">
              {t('templates.title')}
            </Anchor>
          )}
          {canWrite && <Button onClick={() => navigate('/campaigns/new')}>{t('campaigns.new')}</Button>}
        </Group>
      </Group>
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
                <Table.Td>
                  <Anchor component={Link} to={`/campaigns/${campaign.id}`}>
                    {campaign.name}
                  </Anchor>
                </Table.Td>
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
