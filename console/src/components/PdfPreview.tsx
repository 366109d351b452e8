import { useQuery, type QueryKey } from '@tanstack/react-query';
import { ErrorAlert } from './ErrorAlert';
import { Loading } from './Loading';
import { fetchBlob, useObjectUrl } from '../lib/files';

/**
 * A PDF shown inside the page: fetched with the bearer token (a frame cannot send it), framed from
 * memory as a blob: URL (the gateway's CSP allows `frame-src blob:` for this alone). The bytes are
 * typed application/pdf whatever the answer said, so the browser's PDF viewer, never its HTML
 * parser, reads them.
 */
export function PdfPreview({ queryKey, path, title, height = 640 }: { queryKey: QueryKey; path: string; title: string; height?: number }) {
  const pdf = useQuery({ queryKey, queryFn: async () => new Blob([await fetchBlob(path)], { type: 'application/pdf' }) });
  const url = useObjectUrl(pdf.data);
  if (pdf.isError) return <ErrorAlert error={pdf.error} />;
  if (!url) return <Loading />;
  return <iframe src={url} title={title} style={{ width: '100%', height, border: '1px solid var(--mantine-color-default-border)' }} />;
}
