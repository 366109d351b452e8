import { Alert } from '@mantine/core';
import { messageOf } from '../lib/api-error';
import { t } from '../lib/i18n';

/** An API error said with its message, where the failed content would have been. */
export function ErrorAlert({ error }: { error: unknown }) {
  return (
    <Alert color="red" title={t('error.title')} role="alert">
      {messageOf(error)}
    </Alert>
  );
}
