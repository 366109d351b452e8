import { Anchor, Button, PasswordInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { t } from '../../lib/i18n';
import { startSession } from '../../lib/session';
import { AuthLayout } from './AuthLayout';

const FIELDS = ['name', 'email', 'password', 'workspaceName'] as const;

export function Component() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { name: '', email: '', password: '', workspaceName: '' } });

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      startSession(await unwrap(api.POST('/api/v1/auth/register', { body: values })));
      queryClient.clear();
      navigate('/', { replace: true });
    } catch (failure) {
      setError(applyApiError(failure, FIELDS, form.setFieldError));
    }
  });

  return (
    <AuthLayout title={t('auth.signUp')} error={error}>
      <form onSubmit={submit} noValidate>
        <TextInput label={t('field.name')} autoComplete="name" required {...form.getInputProps('name')} mb="sm" />
        <TextInput label={t('field.email')} type="email" autoComplete="email" required {...form.getInputProps('email')} mb="sm" />
        <PasswordInput label={t('field.password')} autoComplete="new-password" required {...form.getInputProps('password')} mb="sm" />
        <TextInput label={t('field.workspaceName')} required {...form.getInputProps('workspaceName')} mb="md" />
        <Button type="submit" fullWidth loading={form.submitting}>
          {t('auth.signUp')}
        </Button>
      </form>
      <Anchor component={Link} to="/sign-in" size="sm">
        {t('auth.haveAccount')}
      </Anchor>
    </AuthLayout>
  );
}
