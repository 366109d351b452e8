import { Alert, Anchor, Badge, Button, Group, NavLink, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { applyApiError } from '../../lib/form-errors';
import { campaignsApi, type EmailTemplate } from './campaigns-api';
import { t } from './i18n';

export function Component() {
  const templates = useQuery({ queryKey: ['email-templates'], queryFn: campaignsApi.templates });
  const [chosen, setChosen] = useState<string | null>(null);
  const template = templates.data?.data.find((candidate) => candidate.id === chosen) ?? templates.data?.data[0];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('templates.title')}</Title>
        <Anchor component={Link} to="/campaigns">
          {t('nav.campaigns')}
        </Anchor>
      </Group>
      {templates.isPending && <Loading />}
      {templates.isError && <ErrorAlert error={templates.error} />}
      {templates.data && template && (
        <Group align="flex-start" wrap="nowrap">
          <nav aria-label={t('templates.list')} style={{ width: 240, flexShrink: 0 }}>
            {templates.data.data.map((candidate) => (
              <NavLink
                key={candidate.id}
                component="button"
                // The state in the label, not a description: Mantine's active description fails axe's contrast check.
                label={candidate.isDefault ? candidate.name : t('templates.changedName', { name: candidate.name })}
                active={candidate.id === template.id}
                onClick={() => setChosen(candidate.id)}
              />
            ))}
          </nav>
          <TemplateEditor key={`${template.id}:${template.updatedAt ?? 'default'}`} template={template} />
        </Group>
      )}
    </Stack>
  );
}

function TemplateEditor({ template }: { template: EmailTemplate }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { subject: template.subject, body: template.body } });
  // The preview follows the draft: the server renders it with the template's sample data.
  const [draft, setDraft] = useState({ subject: template.subject, body: template.body });
  const preview = useQuery({
    queryKey: ['email-templates', template.id, 'preview', draft],
    queryFn: () => campaignsApi.previewTemplate(template.id, draft),
    retry: false,
  });
  const reset = useMutation({
    mutationFn: () => campaignsApi.resetTemplate(template.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['email-templates'] }),
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      await campaignsApi.updateTemplate(template.id, values);
      await queryClient.invalidateQueries({ queryKey: ['email-templates'] });
    } catch (failure) {
      setError(applyApiError(failure, ['subject', 'body'], form.setFieldError));
    }
  });
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} style={{ flexGrow: 1 }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Group>
            <Title order={2} size="h3">
              {template.name}
            </Title>
            <Badge variant="light">{template.isDefault ? t('templates.default') : t('templates.overridden')}</Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {template.description}
          </Text>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput label={t('campaigns.subject')} {...form.getInputProps('subject')} />
          <Textarea label={t('campaigns.body')} autosize minRows={8} {...form.getInputProps('body')} />
          <Text size="sm" c="dimmed">
            {t('templates.variables', { names: (template.variables ?? []).map((name) => `{{${name}}}`).join(' ') })}
          </Text>
          <Group justify="flex-end">
            {!template.isDefault && (
              <Button variant="light" color="red" onClick={() => reset.mutate()} loading={reset.isPending}>
                {t('templates.reset')}
              </Button>
            )}
            <Button variant="default" onClick={() => setDraft(form.values)}>
              {t('templates.previewDraft')}
            </Button>
            <Button type="submit" loading={form.submitting}>
              {t('common.save')}
            </Button>
          </Group>
          {reset.isError && <ErrorAlert error={reset.error} />}
        </Stack>
      </form>
      <Paper withBorder p="md" component="section" aria-labelledby="template-preview">
        <Title order={3} size="h4" id="template-preview">
          {t('campaigns.preview')}
        </Title>
        {preview.isError && <ErrorAlert error={preview.error} />}
        {preview.data && (
          <>
            <Text size="sm" mt="sm" data-preview="subject">
              <Text span c="dimmed">
                {t('campaigns.subject')}:{' '}
              </Text>
              {preview.data.subject}
            </Text>
            <iframe
              title={t('campaigns.previewBody')}
              sandbox=""
              srcDoc={preview.data.html}
              style={{ width: '100%', minHeight: 360, border: '1px solid var(--mantine-color-default-border)', marginTop: 8, background: 'white' }}
            />
          </>
        )}
      </Paper>
    </SimpleGrid>
  );
}
