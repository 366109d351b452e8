import { Alert, Button, Container, Stack } from '@mantine/core';
import { useRouteError } from 'react-router';
import { messageOf } from '../lib/api-error';
import { t } from '../lib/i18n';

export function RouteError() {
  const error = useRouteError();
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Alert color="red" title={t('error.title')} role="alert">
          {messageOf(error)}
        </Alert>
        <Button onClick={() => window.location.reload()}>{t('error.reload')}</Button>
      </Stack>
    </Container>
  );
}
