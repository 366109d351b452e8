export { detectContentType, SNIFF_BYTES, uploadedFileName } from '@kinship/platform';

/** RFC 5987 attr-char: what may stand unescaped in `filename*`. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `Content-Disposition: attachment` with the file's name as RFC 6266 says: `filename*` in UTF-8
 * (RFC 5987) for clients that read it, and an ASCII `filename` (other characters as `_`) for those
 * that do not.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
