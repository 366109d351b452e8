import { useEffect, useState } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { hasSession, onSessionChange } from '../lib/session';

/** Signed-in screens only: anyone else goes to sign-in, told why when their session was ended. */
export function RequireSession() {
  const location = useLocation();
  const [signedIn, setSignedIn] = useState(hasSession);
  const [ended, setEnded] = useState(false);
  useEffect(
    () =>
      onSessionChange((now) => {
        setSignedIn(now);
        if (!now) setEnded(true);
      }),
    [],
  );
  if (!signedIn) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}${ended ? '&reason=expired' : ''}`} replace />;
  }
  return <Outlet />;
}
