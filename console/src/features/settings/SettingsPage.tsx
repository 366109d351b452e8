import { Alert, Badge, Button, Code, Group, Paper, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import type { components } from '../../api/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InlineField } from '../../components/InlineField';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan, useMe } from '../../lib/me';
import { AuditLogPanel, PreferencesPanel, WebhooksPanel, WorkspacePanel } from './WorkspaceSettings';
import { useWorkspaceUsers } from '../../lib/users';

const ROLES = ['admin', 'manager', 'member', 'viewer'] as const;
type Invitation = components['schemas']['InvitationResponse'];

export function Component() {
  const canManageMembers = useCan('users:read');
  const canInvite = useCan('invitations:manage');
  const canKeys = useCan('api-keys:manage');
  const canPreferences = useCan('profile:write');
  const canBilling = useCan('billing:write');
  const canCrm = useCan('crm-settings:manage');
  const canWebhooks = useCan('webhooks:manage');
  const canAudit = useCan('audit-logs:read');
  return (
    <Stack>
      <Title order={1}>{t('nav.settings')}</Title>
      <Tabs defaultValue="profile" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="profile">{t('settings.profile')}</Tabs.Tab>
          {canManageMembers && <Tabs.Tab value="members">{t('settings.members')}</Tabs.Tab>}
          {canKeys && <Tabs.Tab value="api-keys">{t('settings.apiKeys')}</Tabs.Tab>}
          {canPreferences && <Tabs.Tab value="preferences">{t('settings.preferences')}</Tabs.Tab>}
          {(canBilling || canCrm) && <Tabs.Tab value="workspace">{t('settings.workspace')}</Tabs.Tab>}
          {canWebhooks && <Tabs.Tab value="webhooks">{t('settings.webhooks')}</Tabs.Tab>}
          {canAudit && <Tabs.Tab value="audit">{t('settings.audit')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="profile" pt="md">
          <Profile />
        </Tabs.Panel>
        <Tabs.Panel value="members" pt="md">
          <Members canInvite={canInvite} />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="md">
          <ApiKeys />
        </Tabs.Panel>
        <Tabs.Panel value="preferences" pt="md">
          <PreferencesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="workspace" pt="md">
          <WorkspacePanel canBilling={canBilling} canCrm={canCrm} />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhooksPanel />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <AuditLogPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function Profile() {
  const me = useMe();
  const queryClient = useQueryClient();
  if (!me.data) return null;
  return (
    <Paper withBorder p="md" maw={480}>
      <Stack>
        <InlineField
          field="name"
          label={t('field.name')}
          value={me.data.name}
          onSave={async (name) => {
            await unwrap(api.PATCH('/api/v1/me', { body: { name: name ?? '' } }));
            await queryClient.invalidateQueries({ queryKey: ['me'] });
          }}
        />
        <TextInput label={t('field.email')} value={me.data.email} readOnly />
        <TextInput label={t('settings.role')} value={me.data.role} readOnly />
      </Stack>
    </Paper>
  );
}

function Members({ canInvite }: { canInvite: boolean }) {
  const queryClient = useQueryClient();
  const users = useWorkspaceUsers();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<(typeof ROLES)[number]>('member');
  const invite = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/invitations', { body: { email, role } })),
    onSuccess: async () => {
      setEmail('');
      await queryClient.invalidateQueries({ queryKey: ['invitations'] });
    },
  });
  return (
    <Stack>
      {canInvite && (
        <Paper withBorder p="md">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              invite.mutate();
            }}
          >
            <Group align="end">
              <TextInput
                label={t('settings.inviteEmail')}
                type="email"
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
                error={invite.error?.message}
              />
              <Select
                label={t('settings.role')}
                data={[...ROLES]}
                value={role}
                onChange={(value) => value && setRole(value as typeof role)}
                allowDeselect={false}
              />
              <Button type="submit" loading={invite.isPending}>
                {t('settings.invite')}
              </Button>
            </Group>
            {invite.isSuccess && (
              <Alert color="green" mt="sm" role="status">
                {t('settings.invited')}
              </Alert>
            )}
          </form>
        </Paper>
      )}
      {canInvite && <PendingInvitations />}
      {users.isError && <ErrorAlert error={users.error} />}
      <Table striped aria-label={t('settings.members')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('field.name')}</Table.Th>
            <Table.Th>{t('field.email')}</Table.Th>
            <Table.Th>{t('settings.role')}</Table.Th>
            <Table.Th>{t('field.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.data?.data.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>{user.name}</Table.Td>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td>{user.role}</Table.Td>
              <Table.Td>{user.status}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Invitations not accepted yet: sent again (a new link; the old one stops working) or revoked. */
function PendingInvitations() {
  const queryClient = useQueryClient();
  const invitations = useQuery({
    queryKey: ['invitations'],
    queryFn: () => unwrap(api.GET('/api/v1/invitations', { params: { query: { limit: 100 } } })),
  });
  const settle = () => queryClient.invalidateQueries({ queryKey: ['invitations'] });
  const resend = useMutation({
    mutationFn: (invitation: Invitation) => unwrap(api.POST('/api/v1/invitations', { body: { email: invitation.email, role: invitation.role } })),
    onSettled: settle,
  });
  const revoke = useMutation({
    mutationFn: (invitation: Invitation) => unwrap(api.DELETE('/api/v1/invitations/{id}', { params: { path: { id: invitation.id } } })),
    onSettled: settle,
  });
  const pending = invitations.data?.data.filter((invitation) => invitation.status === 'pending') ?? [];
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('settings.pendingInvitations')}
      </Title>
      {invitations.isError && <ErrorAlert error={invitations.error} />}
      {resend.isError && <ErrorAlert error={resend.error} />}
      {revoke.isError && <ErrorAlert error={revoke.error} />}
      {resend.isSuccess && (
        <Alert color="green" role="status">
          {t('settings.invitationResent', { email: resend.data.email })}
        </Alert>
      )}
      {invitations.data && pending.length === 0 && <Text c="dimmed">{t('settings.noPendingInvitations')}</Text>}
      {pending.length > 0 && (
        <Table striped aria-label={t('settings.pendingInvitations')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.email')}</Table.Th>
              <Table.Th>{t('settings.role')}</Table.Th>
              <Table.Th>{t('settings.expires')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pending.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{invitation.role}</Table.Td>
                <Table.Td>{formatDateTime(invitation.expiresAt)}</Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => resend.mutate(invitation)}
                      aria-label={t('settings.resendTo', { email: invitation.email })}
                    >
                      {t('settings.resend')}
                    </Button>
                    <Button
                      size="compact-xs"
                      color="red"
                      variant="light"
                      onClick={() => revoke.mutate(invitation)}
                      aria-label={t('settings.revokeFor', { email: invitation.email })}
                    >
                      {t('settings.revoke')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => unwrap(api.GET('/api/v1/api-keys', { params: { query: { limit: 100 } } })) });
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/api-keys', { body: { name, scopes: ['contacts:read'] } })),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  return (
    <Stack>
      <Paper withBorder p="md">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <Group align="end">
            <TextInput label={t('settings.keyName')} value={name} onChange={(event) => setName(event.currentTarget.value)} error={create.error?.message} />
            <Button type="submit" loading={create.isPending}>
              {t('settings.createKey')}
            </Button>
          </Group>
        </form>
        {create.data && (
          <Alert color="yellow" mt="sm" title={t('settings.keyOnce')}>
            <Code block>{create.data.key}</Code>
          </Alert>
        )}
      </Paper>
      {keys.isError && <ErrorAlert error={keys.error} />}
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('field.name')}</Table.Th>
            <Table.Th>{t('settings.prefix')}</Table.Th>
            <Table.Th>{t('settings.lastUsed')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.data?.data.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td>{key.name}</Table.Td>
              <Table.Td>
                <Code>{key.prefix}</Code>
              </Table.Td>
              <Table.Td>{formatDateTime(key.lastUsedAt)}</Table.Td>
              <Table.Td>
                {key.revokedAt ? (
                  <Badge color="gray">{t('settings.revoked')}</Badge>
                ) : (
                  <Button size="compact-xs" color="red" variant="light" onClick={() => revoke.mutate(key.id)}>
                    {t('settings.revoke')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
