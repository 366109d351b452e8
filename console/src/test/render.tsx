import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';

/** Renders inside the providers every screen has. */
export function renderWithTheme(element: ReactElement) {
  return render(<MantineProvider>{element}</MantineProvider>);
}
