import { Alert, Anchor, Loader } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { t } from '../../lib/i18n';
import { AuthLayout } from './AuthLayout';

export function Component() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/auth/email/verify', { body: { token } })) });
  const { mutate } = verify;
  // The link in the email is the user's request: following it verifies, once.
  useEffect(() => mutate(), [mutate]);
  return (
    <AuthLayout title={t('auth.verifyTitle')} error={verify.isError ? messageOf(verify.error) : null}>
      {verify.isPending && <Loader aria-label={t('common.loading')} />}
      {verify.isSuccess && (
        <Alert color="green" role="status">
          {t('auth.verified')}
        </Alert>
      )}
      <Anchor component={Link} to="/contacts" size="sm">
        {t('auth.continue')}
      </Anchor>
    </AuthLayout>
  );
}
