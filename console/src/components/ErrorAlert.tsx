import { Alert, List } from '@mantine/core';
import { messageOf } from '../lib/api-error';
import { t } from '../lib/i18n';

/** An API error said with its message, where the failed content would have been, and the issues given to say with it. */
export function ErrorAlert({ error, issues = [] }: { error: unknown; issues?: string[] }) {
  return (
    <Alert color="red" title={t('error.title')} role="alert">
      {messageOf(error)}
      {issues.length > 0 && (
        <List size="sm" mt={4}>
          {issues.map((issue) => (
            <List.Item key={issue}>{issue}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
