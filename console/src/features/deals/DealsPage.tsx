import { SegmentedControl } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useSearchParams } from 'react-router';
import { Loading } from '../../components/Loading';
import { t } from './i18n';

// Each layout is its own chunk: the table ships without drag and drop, the board without the list.
const DealsBoard = lazy(() => import('./DealsBoard').then((module) => ({ default: module.DealsBoard })));
const DealsTable = lazy(() => import('./DealsTable').then((module) => ({ default: module.DealsTable })));

type Layout = 'board' | 'table';

/** The deals, as a board of one pipeline (the default) or as a table of them all (`?layout=table`). */
export function Component() {
  const [params, setParams] = useSearchParams();
  const layout: Layout = params.get('layout') === 'table' ? 'table' : 'board';
  // The other layout starts afresh: the board's pipeline and the table's view are of their own layout.
  const switcher = (
    <SegmentedControl
      aria-label={t('deals.layout')}
      value={layout}
      onChange={(value) => setParams(value === 'table' ? { layout: 'table' } : {})}
      data={[
        { value: 'table', label: t('deals.table') },
        { value: 'board', label: t('deals.board') },
      ]}
    />
  );
  return <Suspense fallback={<Loading />}>{layout === 'table' ? <DealsTable layout={switcher} /> : <DealsBoard layout={switcher} />}</Suspense>;
}
