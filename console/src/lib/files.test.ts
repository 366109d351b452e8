import { describe, expect, it } from 'vitest';
import { formatBytes, isPreviewable } from './files';

describe('files', () => {
  it('previews the raster images the gateway makes thumbnails of, only', () => {
    expect(isPreviewable({ contentType: 'image/png' })).toBe(true);
    expect(isPreviewable({ contentType: 'image/webp' })).toBe(true);
    // An SVG may carry script: never rendered from the store.
    expect(isPreviewable({ contentType: 'image/svg+xml' })).toBe(false);
    expect(isPreviewable({ contentType: 'application/pdf' })).toBe(false);
  });

  it('says sizes in the unit that reads best', () => {
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024, 'en')).toBe('5 MB');
  });
});
