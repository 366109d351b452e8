import { Navigate } from 'react-router';
import { Loading } from '../components/Loading';
import { ErrorAlert } from '../components/ErrorAlert';
import { useMe } from '../lib/me';

/** Where `/` (and so a fresh sign-in) leads: the role's dashboard when the role may read reports, else the contacts. */
export function Component() {
  const me = useMe();
  if (me.isError) return <ErrorAlert error={me.error} />;
  if (!me.data) return <Loading />;
  return <Navigate to={me.data.permissions.includes('reports:read') ? '/dashboard' : '/contacts'} replace />;
}
