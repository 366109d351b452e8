import { Anchor, Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** A record page's top: the way back to its list, the record's title and a line under it; `children` (badges, actions) sit on the right. */
export function RecordHeader({
  backTo,
  backLabel,
  title,
  subtitle,
  children,
}: {
  backTo: string;
  backLabel: string;
  title: ReactNode;
  subtitle?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <Group justify="space-between">
      <div>
        <Anchor component={Link} to={backTo} size="sm">
          ← {backLabel}
        </Anchor>
        <Title order={1}>{title}</Title>
        {subtitle !== undefined && (
          <Text size="sm" c="dimmed">
            {subtitle}
          </Text>
        )}
      </div>
      {children}
    </Group>
  );
}
