import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { serverUrls } from '@kinship/testing';
import { FileStore, filesBucketName } from '@kinship/platform';

const MEGABYTE = 1024 * 1024;
/** Twice the memory growth allowed below, so a store that buffered the file would fail. */
const LARGE_MEGABYTES = 96;

async function digestOf(content: Readable): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of content) {
    hash.update(chunk as Uint8Array);
    size += (chunk as Uint8Array).length;
  }
  return { digest: hash.digest('hex'), size };
}

/** What file-store-memory.mjs measured, in its own process, against the built FileStore. */
interface MemoryProbe {
  expected: { digest: string; size: number };
  stored: { key: string; size: number; metadata: Record<string, string> };
  foundSize: number;
  read: { digest: string; size: number };
  writeGrowth: number;
  readGrowth: number;
}

function probeMemory(namespace: string): Promise<MemoryProbe> {
  const script = fileURLToPath(new URL('./file-store-memory.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, serverUrls().nats, namespace, String(LARGE_MEGABYTES)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output) as MemoryProbe) : reject(new Error(`file-store-memory.mjs exited ${code}: ${errors}`)),
    );
  });
}

describe('FileStore over the NATS object store', () => {
  const namespace = `t_files_${randomBytes(3).toString('hex')}.`;
  let nats: NatsConnection;
  let files: FileStore;

  beforeAll(async () => {
    nats = await connect({ servers: serverUrls().nats });
    files = await FileStore.open(nats, { namespace, ttlDays: 1 });
  });

  afterAll(async () => {
    await files.destroy();
    await nats.close();
  });

  it('names its bucket after the namespace with characters NATS accepts', () => {
    expect(filesBucketName('t_ab12.')).toBe('t_ab12-kinship-files');
    expect(filesBucketName('')).toBe('kinship-files');
  });

  it('stores a 96 MB stream and reads it back identical, holding neither copy in memory', async () => {
    // Measured in a process of its own (the built FileStore, as a service runs it): see file-store-memory.mjs.
    // Growth went from 0 to 32 MB between runs for 48 MB and 96 MB files alike (what NATS and the streams hold
    // in flight), so the bound is half the file: a store that buffered a copy would hold all 96 MB.
    const probe = await probeMemory(`t_files_${randomBytes(3).toString('hex')}.`);
    expect(probe.stored).toMatchObject({ key: 'imports/large.csv', size: LARGE_MEGABYTES * MEGABYTE, metadata: { fileName: 'large.csv' } });
    expect(probe.foundSize).toBe(LARGE_MEGABYTES * MEGABYTE);
    expect(probe.read).toEqual(probe.expected);
    expect(probe.expected.size).toBe(LARGE_MEGABYTES * MEGABYTE);
    expect(probe.writeGrowth).toBeLessThan((LARGE_MEGABYTES / 2) * MEGABYTE);
    expect(probe.readGrowth).toBeLessThan((LARGE_MEGABYTES / 2) * MEGABYTE);
  }, 300000);

  it('answers null for a key it does not hold', async () => {
    expect(await files.get('exports/never-written.csv')).toBeNull();
    expect(await files.info('exports/never-written.csv')).toBeNull();
  });

  it('keeps small and empty files and their metadata', async () => {
    await files.put('exports/empty.csv', Readable.from([]));
    const empty = await files.get('exports/empty.csv');
    expect(empty?.file.size).toBe(0);
    expect((await digestOf(empty!.content)).size).toBe(0);

    await files.put('exports/small.csv', Readable.from(['name\n', 'Ada\n']), { contentType: 'text/csv' });
    const small = await files.get('exports/small.csv');
    expect(small?.file.metadata).toEqual({ contentType: 'text/csv' });
    const chunks: Buffer[] = [];
    for await (const chunk of small!.content) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks).toString()).toBe('name\nAda\n');
  });

  it('replaces an object written again under the same key', async () => {
    await files.put('exports/report.csv', Readable.from(['first']));
    await files.put('exports/report.csv', Readable.from(['second version']));
    const found = await files.get('exports/report.csv');
    expect(found?.file.size).toBe('second version'.length);
  });

  it('deletes an object, after which it is gone', async () => {
    await files.put('imports/to-delete.csv', Readable.from(['a,b\n1,2\n']));
    expect(await files.delete('imports/to-delete.csv')).toBe(true);
    expect(await files.get('imports/to-delete.csv')).toBeNull();
    expect(await files.delete('imports/to-delete.csv')).toBe(false);
  });

  it('fails a put whose source stream fails, leaving no object behind', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('upload interrupted'));
      },
    });
    await expect(files.put('imports/broken.csv', failing)).rejects.toThrow('upload interrupted');
    expect(await files.get('imports/broken.csv')).toBeNull();
  });
});
