import { useEffect, useState } from 'react';
import type { components } from '../api/schema';
import { authFetch } from './api';
import { toApiError } from './api-error';

export type StoredFile = components['schemas']['StoredFileInfo'];

// The image types the gateway makes a thumbnail of at upload (GET /files/:id/thumbnail, a WebP of
// at most 256 px): whatever the image's size, only the thumbnail is fetched. Never SVG.
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function isPreviewable(file: Pick<StoredFile, 'contentType'>): boolean {
  return PREVIEWABLE.has(file.contentType);
}

/** A PDF is shown inside the page (PdfPreview), as the type detected from its bytes at upload says. */
export function isPdf(file: Pick<StoredFile, 'contentType'>): boolean {
  return file.contentType === 'application/pdf';
}

export function formatBytes(bytes: number, locale?: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

/** A protected download (the bearer token goes in a header, which a plain link cannot send) as a Blob. */
export async function fetchBlob(path: string): Promise<Blob> {
  const response = await authFetch(new Request(new URL(path, globalThis.location.origin)));
  if (!response.ok) throw toApiError(await response.json().catch(() => null), response);
  return response.blob();
}

/** Saves a fetched blob under its name, as a download link would. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An object URL of the blob while the component shows it (revoked when the blob changes or the component goes), null before. */
export function useObjectUrl(blob: Blob | undefined): string | null {
  const [url, setUrl] = useState<{ blob: Blob; url: string } | null>(null);
  useEffect(() => {
    if (!blob) return;
    const objectUrl = URL.createObjectURL(blob);
    setUrl({ blob, url: objectUrl });
    return () => URL.revokeObjectURL(objectUrl);
  }, [blob]);
  return url && url.blob === blob ? url.url : null;
}
