import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { detectDelimiter, detectEncoding, openImportFile } from './import-file.js';

/** A file arriving in small chunks, as from the FileStore, split inside multi-byte characters too. */
function chunked(content: Buffer, size = 7): Readable {
  const chunks: Buffer[] = [];
  for (let index = 0; index < content.length; index += size) chunks.push(content.subarray(index, index + size));
  return Readable.from(chunks);
}

async function read(content: Buffer): Promise<{ columns: string[]; rows: Array<{ line: number; values: string[] }> }> {
  const file = await openImportFile(chunked(content));
  const rows = [];
  for await (const row of file.rows) rows.push(row);
  return { columns: file.columns, rows };
}

describe('detectEncoding', () => {
  it('reads BOMs and recognises UTF-16 without one', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]))).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x41]))).toEqual({ encoding: 'utf-16be', bomLength: 2 });
    expect(detectEncoding(Buffer.from('Email,Name', 'utf16le'))).toEqual({ encoding: 'utf-16le', bomLength: 0 });
    expect(detectEncoding(Buffer.from('Email,Name'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });
});

describe('detectDelimiter', () => {
  it('counts delimiters of the header line outside quotes', () => {
    expect(detectDelimiter('a;b;c\n1,2,3,4,5')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"x;y;z",b')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('openImportFile', () => {
  it('decodes UTF-16 BE and LE and UTF-8 with a BOM into the same rows', async () => {
    const text = 'Email;Name\r\nzoe@example.com;Zoë Ünal\r\n';
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    for (const content of [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
    ]) {
      expect(await read(content)).toEqual({ columns: ['Email', 'Name'], rows: [{ line: 2, values: ['zoe@example.com', 'Zoë Ünal'] }] });
    }
  });

  it('keeps quoted delimiters, quotes and newlines, and numbers rows by their first line', async () => {
    const csv = 'a,b\n"1,5","say ""hi""\nthere"\n\n3,4\n';
    expect((await read(Buffer.from(csv))).rows).toEqual([
      { line: 2, values: ['1,5', 'say "hi"\nthere'] },
      { line: 5, values: ['3', '4'] },
    ]);
  });

  it('gives an empty file no columns', async () => {
    expect(await read(Buffer.from(''))).toEqual({ columns: [], rows: [] });
  });
});
