import { ActionIcon, Anchor, Button, Group, Image, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import '@mantine/dropzone/styles.css';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../lib/api';
import { messageOf, unwrap } from '../lib/api-error';
import { fetchBlob, formatBytes, isPdf, isPreviewable, saveBlob, useObjectUrl, type StoredFile } from '../lib/files';
import { formatDateTime, t } from '../lib/i18n';
import { useCan, type Permission } from '../lib/me';
import { uploadWithProgress } from '../lib/upload';
import { ErrorAlert } from './ErrorAlert';
import { PdfPreview } from './PdfPreview';

/** The API path of the records whose files a panel shows: a record type's, or a custom object's records. */
export type FileHolder = 'contacts' | 'companies' | 'deals' | 'tickets' | `objects/${string}/records`;

/** Every record's files route answers the same page; one typed path stands for them all. */
const filesPath = (records: FileHolder) => `/api/v1/${records}/{id}/files` as '/api/v1/deals/{id}/files';

/** Attaching a file to a record is writing that record. */
function writePermissionOf(records: FileHolder): Permission {
  if (records === 'contacts' || records === 'companies' || records === 'deals' || records === 'tickets') return `${records}:write`;
  return 'records:write';
}

/** The record's files: drop one to upload it (with progress), download, delete, small images shown. */
export function FilesPanel({ records, id }: { records: FileHolder; id: string }) {
  const queryClient = useQueryClient();
  const canWriteRecord = useCan(writePermissionOf(records));
  const canDelete = useCan('files:write');
  const canAttach = canWriteRecord && canDelete;
  const [progress, setProgress] = useState<number | null>(null);
  const [previewed, setPreviewed] = useState<string | null>(null);
  const key = ['files', records, id];
  const files = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET(filesPath(records), { params: { path: { id }, query: { limit: 100 } } })) });

  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      setProgress(0);
      return uploadWithProgress<StoredFile>(`/api/v1/${records}/${id}/files`, form, setProgress);
    },
    onSuccess: (file) => notifications.show({ color: 'green', message: t('files.uploaded', { name: file.name }) }),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
    onSettled: async () => {
      setProgress(null);
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (file: StoredFile) => unwrap(api.DELETE('/api/v1/files/{id}', { params: { path: { id: file.id } } })),
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const download = async (file: StoredFile) => {
    try {
      saveBlob(await fetchBlob(`/api/v1/files/${file.id}`), file.name);
    } catch (error) {
      notifications.show({ color: 'red', message: messageOf(error) });
    }
  };

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('files.title')}
      </Title>
      {canAttach && (
        <Dropzone onDrop={([file]) => file && upload.mutate(file)} multiple={false} loading={upload.isPending} aria-label={t('files.drop')} p="sm">
          <Text size="sm" ta="center">
            {t('files.drop')}
          </Text>
        </Dropzone>
      )}
      {progress !== null && <Progress value={progress * 100} mt="xs" aria-label={t('files.uploading')} />}
      {files.isError && <ErrorAlert error={files.error} />}
      <Stack gap="xs" mt="sm">
        {files.data?.data.map((file) => (
          <Stack key={file.id} gap="xs" data-file={file.name}>
            <Group justify="space-between" wrap="nowrap">
              <Group gap="sm" wrap="nowrap">
                {isPreviewable(file) && <Preview file={file} />}
                <div>
                  <Anchor component="button" type="button" size="sm" onClick={() => void download(file)}>
                    {file.name}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {formatBytes(file.size)} · {formatDateTime(file.createdAt)}
                  </Text>
                </div>
              </Group>
              <Group gap={4} wrap="nowrap">
                {isPdf(file) && (
                  <Button
                    variant="subtle"
                    size="compact-xs"
                    aria-expanded={previewed === file.id}
                    aria-label={t(previewed === file.id ? 'files.hidePreview' : 'files.preview', { name: file.name })}
                    onClick={() => setPreviewed((current) => (current === file.id ? null : file.id))}
                  >
                    {t(previewed === file.id ? 'files.hide' : 'files.show')}
                  </Button>
                )}
                {canDelete && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('files.delete', { name: file.name })}
                    loading={remove.isPending && remove.variables?.id === file.id}
                    onClick={() => remove.mutate(file)}
                  >
                    ✕
                  </ActionIcon>
                )}
              </Group>
            </Group>
            {previewed === file.id && (
              <PdfPreview
                queryKey={['files', 'pdf', file.id]}
                path={`/api/v1/files/${file.id}`}
                title={t('files.pdfTitle', { name: file.name })}
                height={480}
              />
            )}
          </Stack>
        ))}
        {files.data?.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('files.none')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Preview({ file }: { file: StoredFile }) {
  // An image the gateway could not read has no thumbnail (404): it is listed without one.
  const blob = useQuery({
    queryKey: ['files', 'thumbnail', file.id],
    queryFn: () => fetchBlob(`/api/v1/files/${file.id}/thumbnail`),
    staleTime: Infinity,
    retry: false,
  });
  const url = useObjectUrl(blob.data);
  return url ? <Image src={url} alt={file.name} w={48} h={48} fit="cover" radius="sm" /> : null;
}
