import { Select } from '@mantine/core';
import { useWorkspaceUsers } from '../lib/users';

/**
 * A list's filter on one member of the workspace (the assignee of a task or ticket): "Me" (the
 * API's `me`, whoever is signed in, so a saved view works for each colleague) or a member by name.
 */
export function MemberFilterSelect({
  label,
  meLabel,
  value,
  onChange,
}: {
  label: string;
  meLabel: string;
  /** 'me', a user's id, or '' for anyone. */
  value: string;
  onChange: (value: string) => void;
}) {
  const users = useWorkspaceUsers();
  return (
    <Select
      label={label}
      data={[{ value: 'me', label: meLabel }, ...(users.data?.data ?? []).map((user) => ({ value: user.id, label: user.name }))]}
      value={value || null}
      onChange={(picked) => onChange(picked ?? '')}
      searchable
      clearable
      w={200}
    />
  );
}
