import { describe, expect, it } from 'vitest';
import { formatDateTime, t, withCatalog } from './i18n';
import { en as shared } from './locales/en';

const routeCatalogs = import.meta.glob<{ en: Record<string, string> }>('../features/**/*i18n.ts', { eager: true });

describe('i18n', () => {
  it('fills placeholders and leaves an unknown one visible', () => {
    expect(t('list.selected', { count: 3 })).toBe(shared['list.selected'].replace('{count}', '3'));
    const own = withCatalog({ 'test.greeting': 'Hello {name}, {missing}' });
    expect(own('test.greeting', { name: 'Ada' })).toBe('Hello Ada, {missing}');
    expect(own('common.save')).toBe(shared['common.save']);
  });

  it('keeps each string in one catalog: no route redefines a shared key or another route’s', () => {
    const paths = Object.keys(routeCatalogs);
    expect(paths.length).toBeGreaterThanOrEqual(10);
    const owner = new Map<string, string>(Object.keys(shared).map((key) => [key, 'lib/locales/en.ts']));
    for (const path of paths) {
      for (const key of Object.keys(routeCatalogs[path]!.en)) {
        expect(owner.get(key), `${key} in ${path}`).toBeUndefined();
        owner.set(key, path);
      }
    }
  });

  it('formats a date and time in the locale and time zone asked for, each pair its own', () => {
    const instant = '2026-12-06T21:30:00Z';
    expect(formatDateTime(instant, 'en-GB', 'UTC')).toBe('6 Dec 2026, 21:30');
    expect(formatDateTime(instant, 'en-GB', 'Asia/Tokyo')).toBe('7 Dec 2026, 06:30');
    expect(formatDateTime(instant, 'de-DE', 'UTC')).toBe('06.12.2026, 21:30');
    expect(formatDateTime(instant, 'en-GB', 'UTC')).toBe('6 Dec 2026, 21:30');
    expect(formatDateTime(null)).toBe('');
  });
});
