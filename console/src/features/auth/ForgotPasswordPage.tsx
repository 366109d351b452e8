import { Alert, Anchor, Button, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { t } from '../../lib/i18n';
import { AuthLayout } from './AuthLayout';

export function Component() {
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { email: '' } });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      await unwrap(api.POST('/api/v1/auth/password/forgot', { body: values }));
      setSent(true);
    } catch (failure) {
      setError(applyApiError(failure, ['email'], form.setFieldError));
    }
  });
  return (
    <AuthLayout title={t('auth.forgotTitle')} error={error}>
      {sent ? (
        <Alert color="green" role="status">
          {t('auth.forgotSent')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <TextInput label={t('field.email')} type="email" autoComplete="email" required {...form.getInputProps('email')} mb="md" />
          <Button type="submit" fullWidth loading={form.submitting}>
            {t('auth.sendLink')}
          </Button>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" size="sm">
        {t('auth.backToSignIn')}
      </Anchor>
    </AuthLayout>
  );
}
