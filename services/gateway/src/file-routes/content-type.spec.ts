import { describe, expect, it } from '@jest/globals';
import { attachmentDisposition, detectContentType, uploadedFileName } from './content-type.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082',
  'hex',
);

describe('detectContentType', () => {
  it('recognises a PNG by its signature', async () => {
    expect(await detectContentType(PNG, true)).toBe('image/png');
  });

  it('recognises a Windows executable whatever it is called', async () => {
    const exe = Buffer.alloc(512);
    exe.write('MZ', 0, 'latin1');
    expect(await detectContentType(exe, true)).toBe('application/x-msdownload');
  });

  it('calls UTF-8 text text/plain, even with a multi-byte character cut off at the end of the sample', async () => {
    expect(await detectContentType(Buffer.from('name,email\nZoë,zoe@example.com\n'), true)).toBe('text/plain; charset=utf-8');
    const cut = Buffer.from('Grüße').subarray(0, 3);
    expect(await detectContentType(cut, false)).toBe('text/plain; charset=utf-8');
    expect(await detectContentType(cut, true)).toBe('application/octet-stream');
  });

  it('calls HTML text, never text/html, so a browser does not render it', async () => {
    expect(await detectContentType(Buffer.from('<html><script>alert(1)</script></html>'), true)).toBe('text/plain; charset=utf-8');
  });

  it('calls unknown bytes and an empty file application/octet-stream', async () => {
    expect(await detectContentType(Buffer.from([0, 1, 2, 3, 250, 251]), true)).toBe('application/octet-stream');
    expect(await detectContentType(Buffer.alloc(0), true)).toBe('application/octet-stream');
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII name as it is', () => {
    expect(attachmentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  });

  it('encodes other characters in filename* and replaces them in filename', () => {
    expect(attachmentDisposition('Überweisung "Q4" (final)\'s €.pdf')).toBe(
      `attachment; filename="_berweisung _Q4_ (final)'s _.pdf"; filename*=UTF-8''%C3%9Cberweisung%20%22Q4%22%20%28final%29%27s%20%E2%82%AC.pdf`,
    );
  });

  it('never lets a name end the header value or add a parameter', () => {
    expect(attachmentDisposition('a"; filename*=evil.exe\\')).toBe(
      `attachment; filename="a_; filename*=evil.exe_"; filename*=UTF-8''a%22%3B%20filename%2A%3Devil.exe%5C`,
    );
  });
});

describe('uploadedFileName', () => {
  it('drops directories and control characters and keeps 255 characters', () => {
    expect(uploadedFileName('C:\\Users\\ada\\notes.txt')).toBe('notes.txt');
    expect(uploadedFileName('../../etc/passwd')).toBe('passwd');
    expect(uploadedFileName('bad\u0000name\r\n.txt')).toBe('badname.txt');
    expect(uploadedFileName(`${'é'.repeat(300)}`)).toBe('é'.repeat(255));
  });

  it('names a nameless upload "file"', () => {
    expect(uploadedFileName(undefined)).toBe('file');
    expect(uploadedFileName('  ')).toBe('file');
    expect(uploadedFileName('dir/')).toBe('file');
  });
});
