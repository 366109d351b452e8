import { Center, Loader } from '@mantine/core';
import { t } from '../lib/i18n';

export function Loading() {
  return (
    <Center py="xl">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}
