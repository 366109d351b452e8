import type { components } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { uploadWithProgress } from '../../lib/upload';

export type ImportJob = components['schemas']['Import'];

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

/** The first line of a CSV split into column names (quoted names may hold commas). */
export function csvHeader(text: string): string[] {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const columns: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"' && line[i + 1] === '"' && quoted) {
      current += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      columns.push(current.trim());
      current = '';
    } else current += char;
  }
  columns.push(current.trim());
  return columns.filter((column) => column !== '');
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
