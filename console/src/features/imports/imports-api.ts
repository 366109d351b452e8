import type { components } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { uploadWithProgress } from '../../lib/upload';

export type ImportJob = components['schemas']['Import'];
export type Conflict = components['schemas']['Conflict'];

/** The contact fields a column can fill, and the header names that fill them without asking. */
export const CONTACT_FIELDS: Record<string, string[]> = {
  firstName: ['first name', 'firstname', 'first', 'given name'],
  lastName: ['last name', 'lastname', 'last', 'surname', 'family name'],
  email: ['email', 'e-mail', 'email address'],
  phone: ['phone', 'phone number', 'mobile', 'telephone'],
  jobTitle: ['job title', 'title', 'position'],
  leadSource: ['lead source', 'source'],
  lifecycleStage: ['lifecycle stage', 'stage'],
  tags: ['tags'],
};

/**
 * The first `limit` records of a CSV, each split into its cells (quoted cells may hold commas,
 * doubled quotes and line breaks). Only complete records count: the text may be a file's first
 * kilobytes, cut inside a record.
 */
export function csvRows(text: string, limit: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < limit; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell.trim());
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(cell.trim());
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  return rows;
}

/** The header row's column names. */
export function csvHeader(text: string): string[] {
  // A file without a line break is all header.
  return csvRows(/[\r\n]/.test(text) ? text : `${text}\n`, 1)[0]?.filter((column) => column !== '') ?? [];
}

/** A field for each column whose header is a known alias; null leaves the column out. */
export function proposeMapping(columns: string[]): Record<string, string | null> {
  return Object.fromEntries(
    columns.map((column) => {
      const name = column.toLowerCase().replace(/[_-]+/g, ' ').trim();
      const field = Object.entries(CONTACT_FIELDS).find(([key, aliases]) => key.toLowerCase() === name.replace(/ /g, '') || aliases.includes(name));
      return [column, field?.[0] ?? null];
    }),
  );
}

export const importsApi = {
  start: (file: File, mapping: Record<string, string | null>, mode: 'merge' | 'overwrite', onProgress: (fraction: number) => void) => {
    const form = new FormData();
    form.set('entity', 'contacts');
    form.set('mode', mode);
    form.set('mapping', JSON.stringify(mapping));
    form.set('file', file);
    return uploadWithProgress<{ id: string }>('/api/v1/imports', form, onProgress);
  },
  get: (id: string) => unwrap(api.GET('/api/v1/imports/{id}', { params: { path: { id } } })),
  conflicts: (id: string) => unwrap(api.GET('/api/v1/imports/{id}/conflicts', { params: { path: { id } } })),
  resolve: (id: string, conflictId: string, action: 'keep_existing' | 'take_incoming') =>
    unwrap(api.POST('/api/v1/imports/{id}/conflicts/{conflictId}/resolve', { params: { path: { id, conflictId } }, body: { action } })),
  undo: (id: string) => unwrap(api.POST('/api/v1/imports/{id}/undo', { params: { path: { id } } })),
};
