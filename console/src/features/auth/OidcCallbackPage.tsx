import { Anchor, Loader } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../lib/api';
import { messageOf, unwrap } from '../../lib/api-error';
import { t } from '../../lib/i18n';
import { startSession } from '../../lib/session';
import { AuthLayout } from './AuthLayout';
import { readOidcCallback, takePendingOidcSignIn } from './oidc';

/** Where the provider sends the browser back: the ID token in the fragment becomes a session. */
export function Component() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  // The answer is read once: React's development mode runs an effect twice, and the pending request is taken by the first.
  const read = useRef(false);
  useEffect(() => {
    if (read.current) return;
    read.current = true;
    const pending = takePendingOidcSignIn();
    const answer = readOidcCallback(window.location.hash, pending);
    // The token leaves the address bar (and the history) before anything else happens.
    window.history.replaceState(null, '', window.location.pathname);
    if ('problem' in answer) {
      setError(answer.problem === 'refused' ? t('auth.oidcRefused', { detail: answer.detail ?? '' }) : t('auth.oidcFailed'));
      return;
    }
    unwrap(api.POST('/api/v1/auth/oauth/{provider}', { params: { path: { provider: pending!.provider } }, body: { idToken: answer.idToken } }))
      .then((session) => {
        startSession(session);
        queryClient.clear();
        navigate(pending!.next, { replace: true });
      })
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, [navigate, queryClient]);
  return (
    <AuthLayout title={t('auth.oidcTitle')} error={error}>
      {!error && <Loader aria-label={t('common.loading')} />}
      {error && (
        <Anchor component={Link} to="/sign-in" size="sm">
          {t('auth.backToSignIn')}
        </Anchor>
      )}
    </AuthLayout>
  );
}
