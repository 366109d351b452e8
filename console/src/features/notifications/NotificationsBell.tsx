import { ActionIcon, Button, Group, Indicator, Popover, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useWindowEvent } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { formatDateTime, t } from '../../lib/i18n';

type InAppNotification = components['schemas']['InAppNotification'];
const KEY = ['notifications'];

/**
 * The bell: the caller's unread count (asked every 30 s, every 5 s while open, so new ones arrive
 * while one looks), the latest notifications, opening one marks it read, and "mark all read".
 */
export function NotificationsBell() {
  const [opened, { toggle, close }] = useDisclosure(false);
  // Esc closes it wherever the focus is: "mark all read" disables itself, which leaves the focus
  // on the page, out of reach of the panel's own Esc handling.
  useWindowEvent('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const page = useQuery({
    queryKey: KEY,
    queryFn: () => unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } })),
    refetchInterval: opened ? 5_000 : 30_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEY });
  const readOne = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const readAll = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')), onSettled: refresh });

  const unread = page.data?.unreadCount ?? 0;
  const open = (notification: InAppNotification) => {
    if (!notification.readAt) readOne.mutate(notification.id);
    close();
    if (notification.link) navigate(notification.link);
  };
  return (
    // The Indicator stays outside the Target: the Target puts aria-haspopup and aria-expanded on its
    // child, which must be the button itself.
    <Indicator label={unread} size={16} disabled={unread === 0} offset={4}>
      <Popover opened={opened} onChange={(next) => !next && close()} position="bottom-end" width={340} shadow="md" trapFocus>
        <Popover.Target>
          <ActionIcon variant="default" onClick={toggle} aria-label={unread ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell')}>
            🔔
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown role="dialog" aria-label={t('notifications.title')}>
          <Group justify="space-between" mb="xs">
            <Text fw={600}>{t('notifications.title')}</Text>
            <Button size="compact-xs" variant="subtle" disabled={unread === 0} loading={readAll.isPending} onClick={() => readAll.mutate()}>
              {t('notifications.readAll')}
            </Button>
          </Group>
          {page.isError && <ErrorAlert error={page.error} />}
          {page.data?.data.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('notifications.empty')}
            </Text>
          )}
          <ScrollArea.Autosize mah={360}>
            <Stack gap={2}>
              {page.data?.data.map((notification) => (
                <UnstyledButton
                  key={notification.id}
                  onClick={() => open(notification)}
                  p="xs"
                  data-unread={notification.readAt ? undefined : 'true'}
                  style={{ borderRadius: 6, background: notification.readAt ? undefined : 'var(--mantine-color-default-hover)' }}
                >
                  <Text size="sm" fw={notification.readAt ? 400 : 600}>
                    {notification.title}
                  </Text>
                  <Text size="xs">{notification.body}</Text>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(notification.createdAt)}
                  </Text>
                </UnstyledButton>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}
