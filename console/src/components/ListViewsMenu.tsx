import { Button, Group, Menu, Modal, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { messageOf } from '../lib/api-error';
import { applyApiError } from '../lib/form-errors';
import { groupViews, mayChangeView, STANDARD_VIEW, viewsApi, type View, type ViewChanges } from '../lib/list-views';
import { useCan, useMe } from '../lib/me';
import { useWorkspaceUsers } from '../lib/users';
import { t } from './list-views-i18n';

interface ListViewsMenuProps {
  entity: string;
  views: View[];
  active: View | null;
  /** The list as shown now: what "save" stores. */
  current: () => Required<Pick<View, 'columns' | 'filters' | 'sort'>>;
  open: (id: string) => void;
}

/**
 * The saved views of a list, the user's own and those colleagues shared: switch, save the list as a
 * new view or into the open one, rename, open first, share with the workspace, delete. A view a
 * colleague shared is read only (but for views:manage-shared): "save as" makes it one's own.
 */
export function ListViewsMenu({ entity, views, active, current, open }: ListViewsMenuProps) {
  const queryClient = useQueryClient();
  const userId = useMe().data?.id;
  const canManageShared = useCan('views:manage-shared');
  const { own, shared } = groupViews(views, userId);
  // A colleague's view says whose it is: their name from the members list (the id until it loads).
  const users = useWorkspaceUsers();
  const ownerName = (view: View) => users.data?.data.find((user) => user.id === view.userId)?.name ?? view.userId;
  const changeable = active !== null && mayChangeView(active, userId, canManageShared);
  const [naming, setNaming] = useState<'new' | 'rename' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['views', entity] });

  const change = async (changes: ViewChanges, announce = false) => {
    try {
      const view = await viewsApi.update(active!.id, changes);
      await refresh();
      if (announce) notifications.show({ color: 'green', message: t('views.saved', { name: view.name }) });
    } catch (error) {
      notifications.show({ color: 'red', message: messageOf(error) });
    }
  };
  const remove = async () => {
    try {
      await viewsApi.remove(active!.id);
      notifications.show({ color: 'green', message: t('views.deleted', { name: active!.name }) });
      open(STANDARD_VIEW);
      await refresh();
    } catch (error) {
      notifications.show({ color: 'red', message: messageOf(error) });
    }
  };
  // Refusals (a name taken) are thrown to the dialog, which shows them at its input.
  const name = async (value: string): Promise<void> => {
    if (naming === 'rename') {
      await viewsApi.update(active!.id, { name: value });
      await refresh();
      return;
    }
    const view = await viewsApi.create({ name: value, entity, ...current() });
    await refresh();
    notifications.show({ color: 'green', message: t('views.saved', { name: view.name }) });
    open(view.id);
  };

  return (
    <>
      <Menu>
        <Menu.Target>
          <Button variant="default">{t('views.menu', { name: active?.name ?? t('views.standard') })}</Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => open(STANDARD_VIEW)}>{t('views.standard')}</Menu.Item>
          {own.map((view) => (
            <Menu.Item key={view.id} onClick={() => open(view.id)} fw={view.id === active?.id ? 700 : undefined}>
              {view.isDefault ? t('views.default', { name: view.name }) : view.name}
              {view.shared ? t('views.sharedMark') : ''}
            </Menu.Item>
          ))}
          {shared.length > 0 && <Menu.Label>{t('views.sharedByColleagues')}</Menu.Label>}
          {shared.map((view) => (
            <Menu.Item key={view.id} onClick={() => open(view.id)} fw={view.id === active?.id ? 700 : undefined}>
              {t('views.sharedBy', { name: view.name, owner: ownerName(view) })}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setNaming('new')}>{t('views.saveAs')}</Menu.Item>
          {active && !changeable && <Menu.Label>{t('views.readOnly')}</Menu.Label>}
          {/* Whether a view opens first is each user's own choice, on a colleague's shared view too (no copy). */}
          {active && (
            <Menu.Item onClick={() => change({ isDefault: !active.isDefault })}>
              {active.isDefault ? t('views.unsetDefault') : t('views.makeDefault')}
            </Menu.Item>
          )}
          {active && changeable && (
            <>
              <Menu.Item onClick={() => change({ filters: current().filters, sort: current().sort }, true)}>{t('views.saveChanges')}</Menu.Item>
              <Menu.Item onClick={() => setNaming('rename')}>{t('views.rename')}</Menu.Item>
              <Menu.Item onClick={() => change({ shared: !active.shared }, true)}>{active.shared ? t('views.unshare') : t('views.share')}</Menu.Item>
              <Menu.Item color="red" onClick={remove}>
                {t('views.delete')}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      {naming && (
        <ViewNameModal
          title={naming === 'new' ? t('views.saveAsTitle') : t('views.renameTitle')}
          initial={naming === 'rename' ? active!.name : ''}
          onSave={name}
          onClose={() => setNaming(null)}
        />
      )}
    </>
  );
}

/** The name of a new or renamed view; the API's refusal (a name taken) shows at the input. */
function ViewNameModal({ title, initial, onSave, onClose }: { title: string; initial: string; onSave: (name: string) => Promise<void>; onClose: () => void }) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      await onSave(value.trim());
      onClose();
    } catch (failure) {
      let nameIssue: string | null = null;
      const other = applyApiError(failure, ['name'], (_field, issue) => (nameIssue = issue));
      setError(nameIssue ?? other);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={title}>
      <form onSubmit={submit} noValidate>
        <TextInput
          label={t('views.name')}
          required
          value={value}
          onChange={(event) => setValue(event.currentTarget.value)}
          error={error}
          mb="md"
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit" loading={saving}>
            {t('common.save')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
