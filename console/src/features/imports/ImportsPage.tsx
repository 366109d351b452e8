import { Alert, Anchor, Button, Group, Paper, Progress, SegmentedControl, Select, Stack, Stepper, Table, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import '@mantine/dropzone/styles.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { messageOf } from '../../lib/api-error';
import { t, type MessageKey } from './i18n';
import { CONTACT_FIELDS, csvRows, importsApi, proposeMapping, type Conflict, type ImportJob } from './imports-api';

const FIELD_OPTIONS = Object.keys(CONTACT_FIELDS).map((field) => ({ value: field, label: field }));
const FINISHED = new Set(['completed', 'failed', 'cancelled', 'undone']);
const PREVIEW_ROWS = 3;
const RESOLVED: Record<NonNullable<Conflict['resolution']>, MessageKey> = {
  keep_existing: 'imports.keptExisting',
  take_incoming: 'imports.tookIncoming',
  merge: 'imports.merged',
  closed_by_undo: 'imports.closedByUndo',
};

export function Component() {
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  // Each column's values in the file's first rows, shown beside its field.
  const [preview, setPreview] = useState<Record<string, string[]>>({});
  const [mode, setMode] = useState<'merge' | 'overwrite'>('merge');
  const [uploaded, setUploaded] = useState(0);
  const [importId, setImportId] = useState<string | null>(null);

  const choose = async (files: File[]) => {
    const chosen = files[0];
    if (!chosen) return;
    setFile(chosen);
    // The header and the preview's rows are in the first few kilobytes; the file itself goes to the server as it is.
    const [header = [], ...rows] = csvRows(await chosen.slice(0, 64 * 1024).text(), PREVIEW_ROWS + 1);
    setMapping(proposeMapping(header.filter((column) => column !== '')));
    setPreview(Object.fromEntries(header.map((column, index) => [column, rows.map((row) => row[index] ?? '')])));
    setStep(1);
  };
  const start = useMutation({
    mutationFn: () => importsApi.start(file!, mapping, mode, setUploaded),
    onSuccess: ({ id }) => {
      setImportId(id);
      setStep(2);
    },
  });

  return (
    <Stack>
      <Title order={1}>{t('nav.imports')}</Title>
      <Stepper active={step} allowNextStepsSelect={false}>
        <Stepper.Step label={t('imports.upload')}>
          <Dropzone onDrop={choose} accept={['text/csv', 'application/vnd.ms-excel', '.csv']} multiple={false} aria-label={t('imports.dropLabel')}>
            <Text ta="center" py="xl">
              {t('imports.drop')}
            </Text>
          </Dropzone>
        </Stepper.Step>
        <Stepper.Step label={t('imports.mapping')}>
          <Paper withBorder p="md">
            <Text mb="sm">{t('imports.mappingHelp', { file: file?.name ?? '' })}</Text>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('imports.column')}</Table.Th>
                  <Table.Th>{t('imports.field')}</Table.Th>
                  {Array.from({ length: PREVIEW_ROWS }, (_, index) => (
                    <Table.Th key={index}>{t('imports.previewRow', { row: index + 1 })}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {Object.entries(mapping).map(([column, field]) => (
                  <Table.Tr key={column}>
                    <Table.Td>{column}</Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={t('imports.fieldFor', { column })}
                        data={FIELD_OPTIONS}
                        value={field}
                        placeholder={t('imports.skip')}
                        clearable
                        onChange={(value) => setMapping({ ...mapping, [column]: value })}
                      />
                    </Table.Td>
                    {Array.from({ length: PREVIEW_ROWS }, (_, index) => (
                      <Table.Td key={index} c={field ? undefined : 'dimmed'}>
                        {preview[column]?.[index] ?? ''}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="sm" fw={500} mt="md" id="import-mode">
              {t('imports.mode')}
            </Text>
            <SegmentedControl
              aria-labelledby="import-mode"
              value={mode}
              onChange={(value) => setMode(value as 'merge' | 'overwrite')}
              data={[
                { value: 'merge', label: t('imports.merge') },
                { value: 'overwrite', label: t('imports.overwrite') },
              ]}
            />
            {start.isPending && <Progress value={uploaded * 100} mt="md" aria-label={t('imports.uploading')} />}
            {start.isError && <ErrorAlert error={start.error} />}
            <Group justify="flex-end" mt="md">
              <Button variant="default" onClick={() => setStep(0)}>
                {t('common.back')}
              </Button>
              <Button onClick={() => start.mutate()} loading={start.isPending}>
                {t('imports.start')}
              </Button>
            </Group>
          </Paper>
        </Stepper.Step>
        <Stepper.Step label={t('imports.progress')}>{importId && <ImportProgress id={importId} />}</Stepper.Step>
      </Stepper>
    </Stack>
  );
}

function ImportProgress({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ['imports', id],
    queryFn: () => importsApi.get(id),
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 1000),
  });
  const finished = !!job.data && FINISHED.has(job.data.status);
  const conflicts = useQuery({
    queryKey: ['imports', id, 'conflicts'],
    queryFn: () => importsApi.conflicts(id),
    enabled: finished && (job.data?.conflicts ?? 0) > 0,
  });
  const resolve = useMutation({
    mutationFn: ({ conflictId, action }: { conflictId: string; action: 'keep_existing' | 'take_incoming' }) => importsApi.resolve(id, conflictId, action),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['imports', id] }),
  });
  const undo = useMutation({ mutationFn: () => importsApi.undo(id), onSuccess: () => queryClient.invalidateQueries({ queryKey: ['imports', id] }) });

  if (job.isError) return <ErrorAlert error={job.error} />;
  if (!job.data) return null;
  const data: ImportJob = job.data;
  const percent = data.total ? Math.round((data.processed / data.total) * 100) : 0;
  return (
    <Stack>
      <Progress value={finished ? 100 : percent} animated={!finished} aria-label={t('imports.progress')} />
      <Text role="status">
        {t('imports.counts', {
          status: data.status,
          processed: data.processed,
          total: data.total ?? '?',
          created: data.created,
          updated: data.updated,
          conflicts: data.conflicts,
          failed: data.failed,
        })}
      </Text>
      {data.failureReason && <Alert color="red">{data.failureReason}</Alert>}
      {data.errors.length > 0 && (
        <Paper withBorder p="sm">
          <Title order={2} size="h5">
            {t('imports.errors')}
          </Title>
          {data.errors.slice(0, 20).map((error) => (
            <Text key={error.row} size="sm">
              {t('imports.rowError', { row: error.row, message: error.message })}
            </Text>
          ))}
        </Paper>
      )}
      {conflicts.data && conflicts.data.data.length > 0 && (
        <Paper withBorder p="sm">
          <Title order={2} size="h5" mb="xs">
            {t('imports.conflicts')}
          </Title>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.row')}</Table.Th>
                <Table.Th>{t('imports.field')}</Table.Th>
                <Table.Th>{t('imports.existing')}</Table.Th>
                <Table.Th>{t('imports.incoming')}</Table.Th>
                <Table.Th>{t('imports.resolution')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {conflicts.data.data.map((conflict) => (
                <Table.Tr key={conflict.id} data-conflict={conflict.field}>
                  <Table.Td>
                    <Anchor component={Link} to={`/${conflict.recordType === 'company' ? 'companies' : 'contacts'}/${conflict.recordId}`}>
                      {t('imports.rowRecord', { row: conflict.row })}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{conflict.field}</Table.Td>
                  <Table.Td>{shown(conflict.existingValue)}</Table.Td>
                  <Table.Td fw={500}>{shown(conflict.incomingValue)}</Table.Td>
                  <Table.Td>
                    {conflict.status !== 'open' ? (
                      t(RESOLVED[conflict.resolution ?? 'keep_existing'])
                    ) : (
                      <Group gap="xs">
                        <Button size="xs" variant="default" onClick={() => resolve.mutate({ conflictId: conflict.id, action: 'keep_existing' })}>
                          {t('imports.keepExisting')}
                        </Button>
                        <Button size="xs" onClick={() => resolve.mutate({ conflictId: conflict.id, action: 'take_incoming' })}>
                          {t('imports.takeIncoming')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {resolve.isError && <Text c="red">{messageOf(resolve.error)}</Text>}
        </Paper>
      )}
      {data.status === 'completed' && (
        <Group>
          <Button variant="light" color="red" onClick={() => undo.mutate()} loading={undo.isPending}>
            {t('imports.undo')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** A conflict's value as a person reads it: text as it is, a list joined, nothing as a dash. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(shown).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
