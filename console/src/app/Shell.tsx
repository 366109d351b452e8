import { ActionIcon, AppShell, Burger, Button, Group, Kbd, Menu, NavLink, Text, useMantineColorScheme } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../lib/api';
import { t, type MessageKey } from '../lib/i18n';
import { useMe, type Permission } from '../lib/me';
import { endSession, getRefreshToken } from '../lib/session';
import { Loading } from '../components/Loading';
import { NotificationsBell } from '../features/notifications/NotificationsBell';
import { useObjectTypes } from '../features/objects/objects-api';

// The palette loads on its first Ctrl+K, not with the first screen.
const CommandPalette = lazy(() => import('./CommandPalette').then((module) => ({ default: module.CommandPalette })));

const NAV: Array<{ to: string; label: MessageKey; permission: Permission }> = [
  { to: '/dashboard', label: 'reports.dashboard', permission: 'reports:read' },
  { to: '/contacts', label: 'nav.contacts', permission: 'contacts:read' },
  { to: '/companies', label: 'nav.companies', permission: 'companies:read' },
  { to: '/deals', label: 'nav.deals', permission: 'deals:read' },
  { to: '/tasks', label: 'nav.tasks', permission: 'tasks:read' },
  { to: '/tickets', label: 'nav.tickets', permission: 'tickets:read' },
  { to: '/imports', label: 'nav.imports', permission: 'imports:write' },
  { to: '/campaigns', label: 'nav.campaigns', permission: 'campaigns:read' },
  { to: '/invoices', label: 'nav.invoices', permission: 'billing:read' },
  { to: '/reports', label: 'nav.reports', permission: 'reports:read' },
  { to: '/settings', label: 'nav.settings', permission: 'profile:read' },
];

export function Component() {
  const [navOpen, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  const [paletteOpen, palette] = useDisclosure(false);
  const [paletteUsed, setPaletteUsed] = useState(false);
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const me = useMe();
  const objectTypes = useObjectTypes();
  const openPalette = () => {
    setPaletteUsed(true);
    palette.open();
  };
  useHotkeys([['mod+K', openPalette]]);

  const signOut = async () => {
    const refreshToken = getRefreshToken();
    if (refreshToken) await api.POST('/api/v1/auth/logout', { body: { refreshToken } });
    endSession();
    navigate('/sign-in');
  };

  const can = (permission: Permission) => me.data?.permissions.includes(permission) ?? false;
  const allowed = NAV.filter((item) => can(item.permission));
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpen } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpen} onClick={toggleNav} hiddenFrom="sm" size="sm" aria-label={t('shell.toggleNavigation')} />
            <Text fw={700} component={Link} to="/contacts">
              Kinship
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Button variant="default" size="xs" onClick={openPalette} rightSection={<Kbd size="xs">Ctrl K</Kbd>}>
              {t('shell.search')}
            </Button>
            {can('notifications:read') && <NotificationsBell />}
            <ActionIcon variant="default" onClick={toggleColorScheme} aria-label={colorScheme === 'dark' ? t('shell.lightTheme') : t('shell.darkTheme')}>
              {colorScheme === 'dark' ? '☀' : '☾'}
            </ActionIcon>
            <Menu position="bottom-end">
              <Menu.Target>
                <Button variant="subtle" size="xs">
                  {me.data?.name ?? t('shell.account')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.data?.email}</Menu.Label>
                <Menu.Item component={Link} to="/settings">
                  {t('nav.settings')}
                </Menu.Item>
                <Menu.Item onClick={signOut}>{t('shell.signOut')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('shell.mainNavigation')}>
        {allowed.map((item) => (
          <NavLink key={item.to} component={Link} to={item.to} label={t(item.label)} active={pathname.startsWith(item.to)} onClick={closeNav} />
        ))}
        {can('objects:read') && can('records:read') && (
          <>
            <NavLink component={Link} to="/objects" label={t('nav.objects')} active={pathname === '/objects'} onClick={closeNav} />
            {/* Each custom object of the workspace opens its records, under the one that lists them all. */}
            {objectTypes.data?.data.map((type) => (
              <NavLink
                key={type.key}
                component={Link}
                to={`/objects/${type.key}`}
                label={type.pluralLabel}
                pl="xl"
                active={pathname === `/objects/${type.key}` || pathname.startsWith(`/objects/${type.key}/`)}
                onClick={closeNav}
              />
            ))}
          </>
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
      {paletteUsed && (
        <Suspense fallback={null}>
          <CommandPalette opened={paletteOpen} onClose={palette.close} />
        </Suspense>
      )}
    </AppShell>
  );
}
