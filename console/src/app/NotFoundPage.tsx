import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { t } from '../lib/i18n';

export function Component() {
  return (
    <Stack>
      <Title order={1}>{t('notFound.title')}</Title>
      <Text>{t('notFound.body')}</Text>
      <Anchor component={Link} to="/contacts">
        {t('nav.contacts')}
      </Anchor>
    </Stack>
  );
}
