import { describe, expect, it } from 'vitest';
import {
  activeView,
  filtersOfParam,
  filtersParam,
  groupViews,
  mayChangeView,
  moveColumn,
  shownColumns,
  splitViewFilters,
  toggleColumn,
  viewFilters,
  type View,
} from './list-views';

function view(id: string, isDefault = false, userId = 'me', shared = false): View {
  return { id, name: id, entity: 'contacts', columns: ['email'], filters: {}, sort: null, isDefault, shared, userId, createdAt: '', updatedAt: '' };
}

describe('saved list views', () => {
  it('opens the view the URL names, else the default, and the plain list for ?view=standard or a view since deleted', () => {
    const views = [view('a'), view('b', true)];
    expect(activeView(views, 'a')?.id).toBe('a');
    expect(activeView(views, null)?.id).toBe('b');
    expect(activeView([view('a')], null)).toBeNull();
    expect(activeView(views, 'standard')).toBeNull();
    expect(activeView(views, 'gone')).toBeNull();
  });

  it('lists the user’s own views apart from those colleagues shared, which only managers change', () => {
    const mineShared = view('mine', false, 'me', true);
    const theirs = view('theirs', false, 'colleague', true);
    expect(groupViews([mineShared, theirs, view('plain')], 'me')).toEqual({ own: [mineShared, view('plain')], shared: [theirs] });
    expect(mayChangeView(mineShared, 'me', false)).toBe(true);
    expect(mayChangeView(theirs, 'me', false)).toBe(false);
    expect(mayChangeView(theirs, 'me', true)).toBe(true);
    // Before GET /me answers, nothing is the user's.
    expect(mayChangeView(mineShared, undefined, false)).toBe(false);
  });

  it('shows the chosen columns in their order, dropping those the list no longer has, or every column without a choice', () => {
    expect(shownColumns(['name', 'email', 'phone'], null)).toEqual(['name', 'email', 'phone']);
    expect(shownColumns(['name', 'email', 'phone'], ['phone', 'customFields.gone', 'name'])).toEqual(['phone', 'name']);
  });

  it('hides and shows columns, never the last one, and moves a column within the list’s ends', () => {
    expect(toggleColumn(['name', 'email'], 'email')).toEqual(['name']);
    expect(toggleColumn(['name'], 'phone')).toEqual(['name', 'phone']);
    expect(toggleColumn(['name'], 'name')).toEqual(['name']);
    expect(moveColumn(['name', 'email', 'phone'], 'phone', -1)).toEqual(['name', 'phone', 'email']);
    expect(moveColumn(['name', 'email', 'phone'], 'name', 1)).toEqual(['email', 'name', 'phone']);
    expect(moveColumn(['name', 'email'], 'name', -1)).toEqual(['name', 'email']);
    expect(moveColumn(['name', 'email'], 'email', 1)).toEqual(['name', 'email']);
  });

  it('stores the page’s filters and the search as query parameters without the empty ones, and splits them back', () => {
    const stored = viewFilters({ lifecycleStage: ['lead'], tags: [], emailOptOut: undefined, status: false }, '  ada ');
    expect(stored).toEqual({ lifecycleStage: ['lead'], status: false, q: 'ada' });
    expect(viewFilters({ tags: [] }, ' ')).toEqual({});
    expect(splitViewFilters(stored)).toEqual({ filters: { lifecycleStage: ['lead'], status: false }, q: 'ada' });
    expect(splitViewFilters({})).toEqual({ filters: {}, q: '' });
  });

  it('keeps the page’s filters in the URL as a view stores them, and reads back only a JSON object', () => {
    const param = filtersParam({ lifecycleStage: ['lead'], tags: [], ownerId: undefined, customFields: { tier: 'gold' } });
    expect(param).toBe('{"lifecycleStage":["lead"],"customFields":{"tier":"gold"}}');
    expect(filtersOfParam(param)).toEqual({ lifecycleStage: ['lead'], customFields: { tier: 'gold' } });
    expect(filtersParam({ tags: [], emailOptOut: undefined })).toBeNull();
    for (const mangled of [null, '', 'lifecycleStage=lead', '["lead"]', 'null', '{"lifecycleStage":']) expect(filtersOfParam(mangled)).toBeNull();
  });
});
