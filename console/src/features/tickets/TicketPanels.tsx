import { Alert, Anchor, Badge, Button, Group, Modal, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, messageOf } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { useMe } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { t, type MessageKey } from './i18n';
import { relativeTime, slaClocks, ticketsApi, type SlaClockKind, type SlaClockState, type Ticket } from './tickets-api';

const issueOf = (error: unknown, field: string) => (error instanceof ApiError ? (error.fieldIssue(field) ?? error.message) : messageOf(error));

export const CLOCK_LABEL: Record<SlaClockKind, MessageKey> = {
  firstResponse: 'tickets.firstResponse',
  nextResponse: 'tickets.nextResponse',
  resolution: 'tickets.resolution',
};
// Filled shades white text reads on at 4.5:1 or more (WCAG AA): Mantine's green and orange reach it at no shade.
const STATE_COLOR: Record<SlaClockState, string> = { running: 'blue.8', overdue: 'red.9', met: 'teal.9', metLate: 'grape.8' };
const STATE_LABEL: Record<SlaClockState, MessageKey> = {
  running: 'tickets.clockRunning',
  overdue: 'tickets.clockOverdue',
  met: 'tickets.clockMet',
  metLate: 'tickets.clockMetLate',
};

/** A clock's state as a coloured badge, the same on the list and the page. */
export function ClockBadge({ state }: { state: SlaClockState }) {
  return <Badge color={STATE_COLOR[state]}>{t(STATE_LABEL[state])}</Badge>;
}

/** The SLA's clocks: each deadline, how far it is, and when it was met where the ticket records that. */
export function SlaPanel({ ticket }: { ticket: Ticket }) {
  const clocks = slaClocks(ticket, Date.now());
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('tickets.sla')}
      </Title>
      {clocks.length === 0 ? (
        <Text size="sm" c="dimmed">
          {ticket.status === 'pending' ? t('tickets.slaPaused') : t('tickets.noSla')}
        </Text>
      ) : (
        <Stack gap={6}>
          {clocks.map((clock) => (
            <Group key={clock.kind} gap="xs" data-clock={clock.kind} data-state={clock.state}>
              <Text size="sm" fw={500}>
                {t(CLOCK_LABEL[clock.kind])}
              </Text>
              <ClockBadge state={clock.state} />
              <Text size="sm">
                {clock.metAt
                  ? t('tickets.metAtDue', { at: formatDateTime(clock.metAt), due: formatDateTime(clock.dueAt) })
                  : t('tickets.dueRelative', { at: formatDateTime(clock.dueAt), relative: relativeTime(clock.dueAt, Date.now()) })}
              </Text>
            </Group>
          ))}
          {ticket.status === 'pending' && (
            <Text size="sm" c="dimmed">
              {t('tickets.slaPaused')}
            </Text>
          )}
        </Stack>
      )}
    </Paper>
  );
}

/** The assignee among the workspace's active members, or "Assign to me"; cleared to unassign. */
export function AssigneePicker({ ticket, disabled, onAssigned }: { ticket: Ticket; disabled: boolean; onAssigned: (ticket: Ticket) => void }) {
  const users = useWorkspaceUsers();
  const me = useMe().data;
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const assign = async (assigneeId: string | null) => {
    setSaving(true);
    try {
      onAssigned(await ticketsApi.assign(ticket.id, assigneeId));
      setError(null);
    } catch (failure) {
      setError(issueOf(failure, 'assigneeId'));
    } finally {
      setSaving(false);
    }
  };
  const members = (users.data?.data ?? [])
    .filter((user) => user.status === 'active' || user.id === ticket.assigneeId)
    .map((user) => ({ value: user.id, label: user.name }));
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap">
      <Select
        label={t('tickets.assignee')}
        placeholder={t('tickets.unassigned')}
        data={members}
        value={ticket.assigneeId}
        onChange={(assigneeId) => assigneeId !== ticket.assigneeId && void assign(assigneeId)}
        searchable
        clearable
        disabled={disabled || saving}
        error={error ?? (users.isError ? messageOf(users.error) : undefined)}
        style={{ flex: 1 }}
      />
      {me && ticket.assigneeId !== me.id && (
        <Button variant="light" disabled={disabled} loading={saving} onClick={() => void assign(me.id)}>
          {t('tickets.assignToMe')}
        </Button>
      )}
    </Group>
  );
}

/** Picks a duplicate among the workspace's tickets (subject search) and merges it into this one, once confirmed. */
export function MergeTicket({ ticket, onMerged }: { ticket: Ticket; onMerged: (ticket: Ticket) => Promise<void> }) {
  const [search, setSearch] = useState('');
  const [otherId, setOtherId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [merging, setMerging] = useState(false);
  const found = useQuery({
    queryKey: ['tickets', 'pick', search],
    queryFn: () => ticketsApi.list({ q: search || undefined, limit: 20 }),
  });
  const options = (found.data?.data ?? [])
    .filter((other) => other.id !== ticket.id)
    .map((other) => ({ value: other.id, label: `#T-${other.number} ${other.subject}` }));
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);

  const merge = async () => {
    if (!otherId) return;
    setMerging(true);
    try {
      await ticketsApi.merge(ticket.id, otherId);
      setConfirming(false);
      setOtherId(null);
      setChosen(null);
      setError(null);
      await onMerged(ticket);
    } catch (failure) {
      setConfirming(false);
      setError(issueOf(failure, 'otherId'));
    } finally {
      setMerging(false);
    }
  };

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('tickets.mergeTitle')}
      </Title>
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <Select
          label={t('tickets.duplicate')}
          searchable
          clearable
          data={chosen && !options.some((option) => option.value === chosen.value) ? [chosen, ...options] : options}
          filter={({ options: all }) => all}
          value={otherId}
          onSearchChange={setSearch}
          onChange={(value, option) => {
            setOtherId(value);
            setChosen(value ? option : null);
            setError(null);
          }}
          error={error}
          nothingFoundMessage={t('tickets.noneFound')}
          style={{ flex: 1 }}
        />
        <Button variant="light" color="orange" disabled={!otherId} onClick={() => setConfirming(true)}>
          {t('tickets.merge')}
        </Button>
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('tickets.mergeConfirm', { other: chosen?.label ?? '', number: ticket.number })}>
        <Stack>
          <Text size="sm">{t('tickets.mergeExplained')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="orange" loading={merging} onClick={() => void merge()} data-autofocus>
              {t('tickets.merge')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** Said on a ticket merged into another: where its conversation went. */
export function MergedNotice({ ticket }: { ticket: Ticket }) {
  if (!ticket.mergedIntoId) return null;
  return (
    <Alert color="gray">
      {t('tickets.mergedInto')}{' '}
      <Anchor component={Link} to={`/tickets/${ticket.mergedIntoId}`}>
        {t('tickets.openSurvivor')}
      </Anchor>
    </Alert>
  );
}
