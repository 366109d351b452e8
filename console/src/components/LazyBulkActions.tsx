import { lazy, Suspense, type ComponentProps } from 'react';
import type { ExportButton, RecordBulkActions } from './BulkActions';

// The bulk actions load on the first selection, the export with the toolbar, not with a list's rows.
const BulkActionsLoaded = lazy(() => import('./BulkActions').then((module) => ({ default: module.RecordBulkActions })));
const ExportButtonLoaded = lazy(() => import('./BulkActions').then((module) => ({ default: module.ExportButton })));

/** RecordBulkActions from its own chunk: nothing shows until it is loaded. */
export function LazyRecordBulkActions(props: ComponentProps<typeof RecordBulkActions>) {
  return (
    <Suspense fallback={null}>
      <BulkActionsLoaded {...props} />
    </Suspense>
  );
}

/** ExportButton from the bulk actions' chunk: nothing shows until it is loaded. */
export function LazyExportButton(props: ComponentProps<typeof ExportButton>) {
  return (
    <Suspense fallback={null}>
      <ExportButtonLoaded {...props} />
    </Suspense>
  );
}
