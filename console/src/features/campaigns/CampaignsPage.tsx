import { Anchor, Badge, Button } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { ListScreen } from '../../components/ListScreen';
import { formatDateTime } from '../../lib/i18n';
import { useCan, useTimeZone } from '../../lib/me';
import { campaignsApi, IN_FLIGHT } from './campaigns-api';
import { t } from './i18n';

export function Component() {
  const navigate = useNavigate();
  const canWrite = useCan('campaigns:write');
  const canTemplates = useCan('email-templates:manage');
  const timeZone = useTimeZone();
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: campaignsApi.list,
    // Counts move while a campaign is being sent, and a scheduled one starts by itself.
    refetchInterval: (query) => (query.state.data?.data.some((campaign) => IN_FLIGHT.has(campaign.status)) ? 3000 : false),
  });
  return (
    <ListScreen
      title={t('nav.campaigns')}
      actions={
        <>
          <Anchor component={Link} to="/campaigns/segments">
            {t('campaigns.segments')}
          </Anchor>
          {canTemplates && (
            <Anchor component={Link} to="/campaigns/templates">
              {t('templates.title')}
            </Anchor>
          )}
          {canWrite && <Button onClick={() => navigate('/campaigns/new')}>{t('campaigns.new')}</Button>}
        </>
      }
      query={campaigns}
      columns={[
        {
          header: t('field.name'),
          cell: (campaign) => (
            <Anchor component={Link} to={`/campaigns/${campaign.id}`}>
              {campaign.name}
            </Anchor>
          ),
        },
        { header: t('campaigns.channel'), cell: (campaign) => t(`campaigns.channel.${campaign.channel}`) },
        { header: t('field.status'), cell: (campaign) => <Badge variant="light">{campaign.status}</Badge> },
        { header: t('campaigns.sent'), cell: (campaign) => `${campaign.counts.sent} / ${campaign.counts.total}` },
        { header: t('campaigns.scheduledAt'), cell: (campaign) => formatDateTime(campaign.scheduledAt, undefined, timeZone) },
      ]}
    />
  );
}
