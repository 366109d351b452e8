import { Alert, Button, Group, Modal } from '@mantine/core';
import type { FormEventHandler, ReactNode } from 'react';
import { t } from '../lib/i18n';

interface FormModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  onSubmit: FormEventHandler<HTMLFormElement>;
  /** What the API said that no field of the form names; shown above the fields. */
  error: string | null;
  submitting: boolean;
  submitLabel?: string;
  children: ReactNode;
}

/** A dialog around one form: the error no field takes above its fields, Cancel and the submit button below them. */
export function FormModal({ opened, onClose, title, onSubmit, error, submitting, submitLabel = t('common.create'), children }: FormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form onSubmit={onSubmit} noValidate>
        {error && (
          <Alert color="red" role="alert" mb="sm">
            {error}
          </Alert>
        )}
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submitting}>
            {submitLabel}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
