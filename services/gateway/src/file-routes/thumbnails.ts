import type { Logger } from '@kinship/observability';
import type { FileStore } from '@kinship/platform';
import sharp from 'sharp';

/** The longest side of a thumbnail, in pixels; a smaller image keeps its size. */
export const THUMBNAIL_MAX_SIDE = 256;
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';
/** The image types (as detected from the bytes) that get a thumbnail. */
export const THUMBNAIL_SOURCE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
/**
 * Refuses images of more pixels than this (about 50 megapixels) before decoding them: a small file
 * that decodes to a huge bitmap (a "decompression bomb") must not take the gateway's memory.
 */
const MAX_INPUT_PIXELS = 50_000_000;

/** The object store key of a file's thumbnail, beside the file's own (`files/<uuid>` → `thumbnails/<uuid>`). */
export function thumbnailKey(objectKey: string): string {
  return objectKey.replace(/^files\//, 'thumbnails/');
}

/**
 * Thumbnails of uploaded images (libvips through sharp): at most THUMBNAIL_MAX_SIDE pixels on the
 * longer side, turned upright by their EXIF orientation, the first frame of an animation, as WebP.
 * Stored in the attachments bucket beside the file; not counted against the workspace's quota.
 * AttachmentsModule provides it over the attachments' FileStore.
 */
export class Thumbnails {
  constructor(
    private readonly files: FileStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Makes the thumbnail of a stored file if it is an image; false when it is not or cannot be read.
   * Never fails: an upload whose image is broken is still an upload, only without a thumbnail.
   */
  async make(objectKey: string, contentType: string): Promise<boolean> {
    if (!THUMBNAIL_SOURCE_TYPES.has(contentType)) return false;
    const key = thumbnailKey(objectKey);
    try {
      const stored = await this.files.get(objectKey);
      if (!stored) return false;
      const resize = sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .rotate()
        .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 });
      stored.content.on('error', (error) => resize.destroy(error));
      await this.files.put(key, stored.content.pipe(resize), { contentType: THUMBNAIL_CONTENT_TYPE });
      return true;
    } catch (error) {
      this.logger.warn({ err: error, objectKey }, 'no thumbnail: the image could not be read');
      await this.files.delete(key).catch(() => false);
      return false;
    }
  }
}
