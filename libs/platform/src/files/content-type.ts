import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes the detection reads (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });

/** Whether the sample reads as UTF-8 text: no NUL byte, and valid UTF-8 except perhaps a character cut off at its end. */
function looksLikeText(sample: Uint8Array, complete: boolean): boolean {
  if (sample.length === 0 || sample.includes(0)) return false;
  for (let cut = 0; cut <= (complete ? 0 : 3) && cut < sample.length; cut++) {
    try {
      TEXT_DECODER.decode(sample.subarray(0, sample.length - cut));
      return true;
    } catch {
      // a multi-byte character cut off by the sample's end: try without its first bytes
    }
  }
  return false;
}

/**
 * The media type of a file from its first bytes, never from its name (uploads, the attachments of
 * inbound email): what file-type recognises by signature, else `text/plain; charset=utf-8` for
 * UTF-8 text, else `application/octet-stream`. `complete` says the sample is the whole file.
 */
export async function detectContentType(sample: Uint8Array, complete: boolean): Promise<string> {
  const detected = sample.length ? await fileTypeFromBuffer(sample) : undefined;
  if (detected) return detected.mime;
  return looksLikeText(sample, complete) ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

const NAME_MAX = 255;

/** The name an upload keeps: without directories (either slash) and control characters, at most 255 characters; `file` when nothing is left. */
export function uploadedFileName(raw: string | undefined): string {
  const base = (raw ?? '')
    .split(/[/\\]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  const name = [...base].slice(0, NAME_MAX).join('');
  return name || 'file';
}
