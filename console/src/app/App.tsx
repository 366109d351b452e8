import { createTheme, darken, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { RouterProvider } from 'react-router';
import { ApiError } from '../lib/api-error';
import { t } from '../lib/i18n';
import { router } from './router';

// Shades with which text on buttons, links, errors and dimmed captions keeps WCAG AA contrast
// (4.5:1) in both themes: white on a filled blue-8 button has 5.1:1 (on the hover shade blue-9,
// 6.2:1); on the dark theme's former blue-4 it had 2.6:1.
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  // Every dialog's and toast's close button says what it does to a screen reader. Plain objects,
  // not Modal.extend: importing Modal here would put it in every first screen's chunk.
  components: {
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } },
  },
});

// The text of light-variant elements (the active nav link, light badges and buttons) in the light
// theme: Mantine's blue-9 has 4.9:1 on the active link's blue-1 but 4.0:1 on its hover shade blue-2;
// a fifth darker it has 6.7:1 and 5.5:1. The dark theme's blue-0 keeps 8.7:1 on its hover shade.
const contrast: CSSVariablesResolver = (current) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': current.colors.gray[7]!,
    '--mantine-color-error': current.colors.red[8]!,
    [`--mantine-color-${current.primaryColor}-light-color`]: darken(current.colors[current.primaryColor]![9]!, 0.2),
  },
  dark: { '--mantine-color-dimmed': current.colors.dark[1]!, '--mantine-color-error': current.colors.red[4]! },
});

// The toasts' container (and its transitions) loads after the first screen; a toast shown before it
// mounts waits in notifications' store and appears when it does.
const Notifications = lazy(() => import('@mantine/notifications').then((module) => ({ default: module.Notifications })));

const queryClient = new QueryClient({
  defaultOptions: {
    // A 4xx will not change by asking again; a network blip might.
    queries: { retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2, refetchOnWindowFocus: false },
  },
});

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={contrast}>
      <Suspense fallback={null}>
        <Notifications position="bottom-right" />
      </Suspense>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
