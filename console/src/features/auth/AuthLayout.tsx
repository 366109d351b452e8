import { Alert, Container, Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The frame of the signed-out pages: one titled card, the form's error above it. */
export function AuthLayout({ title, error, children }: { title: string; error?: string | null; children: ReactNode }) {
  return (
    <Container size={420} py={60} component="main">
      <Title order={1} ta="center" mb="lg">
        {title}
      </Title>
      <Paper withBorder shadow="sm" p="lg" radius="md">
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {children}
        </Stack>
      </Paper>
    </Container>
  );
}
