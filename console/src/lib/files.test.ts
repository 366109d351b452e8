import { describe, expect, it } from 'vitest';
import { formatBytes, isPreviewable, PREVIEW_MAX_BYTES } from './files';

describe('files', () => {
  it('previews small raster images only', () => {
    expect(isPreviewable({ contentType: 'image/png', size: 1000 })).toBe(true);
    expect(isPreviewable({ contentType: 'image/jpeg', size: PREVIEW_MAX_BYTES })).toBe(true);
    expect(isPreviewable({ contentType: 'image/jpeg', size: PREVIEW_MAX_BYTES + 1 })).toBe(false);
    // An SVG may carry script: never rendered from the store, whatever its size.
    expect(isPreviewable({ contentType: 'image/svg+xml', size: 100 })).toBe(false);
    expect(isPreviewable({ contentType: 'application/pdf', size: 100 })).toBe(false);
  });

  it('says sizes in the unit that reads best', () => {
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024, 'en')).toBe('5 MB');
  });
});
