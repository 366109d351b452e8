import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { serverUrls } from '@kinship/testing';
import { FileStore, filesBucketName } from '@kinship/platform';

const MEGABYTE = 1024 * 1024;
/** Larger than the memory growth allowed below, so a store that buffered the file would fail. */
const LARGE_MEGABYTES = 24;

/** A file made on demand, 1 MB at a time, so the test itself holds no copy of it. */
function generated(megabytes: number, seed: Buffer): Readable {
  let produced = 0;
  return new Readable({
    read() {
      if (produced === megabytes) return this.push(null);
      produced++;
      this.push(createHash('sha512').update(seed).update(String(produced)).digest().toString('hex').repeat(MEGABYTE / 128));
    },
  });
}

async function digestOf(content: Readable, delayPerChunkMs = 0): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    content,
    new Transform({
      async transform(chunk: Buffer, _encoding, done) {
        if (delayPerChunkMs > 0) await sleep(delayPerChunkMs);
        done(null, chunk);
      },
    }),
    async function (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
      }
    },
  );
  return { digest: hash.digest('hex'), size };
}

// Live memory, not garbage: each sample collects first, so what remains is what the stream holds.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Runs `work` while sampling the live memory of the process; returns how far above the start it went. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const used = () => {
    collectGarbage();
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  const start = used();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 1000);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, used()) - start;
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

  it('stores a 24 MB stream and reads it back identical, holding neither copy in memory', async () => {
    const seed = randomBytes(8);
    const expected = await digestOf(generated(LARGE_MEGABYTES, seed));

    let stored: Awaited<ReturnType<FileStore['put']>> | undefined;
    const writeGrowth = await peakGrowth(async () => {
      stored = await files.put('imports/large.csv', generated(LARGE_MEGABYTES, seed), { fileName: 'large.csv' });
    });
    expect(stored).toMatchObject({ key: 'imports/large.csv', size: LARGE_MEGABYTES * MEGABYTE, metadata: { fileName: 'large.csv' } });

    let read: { digest: string; size: number } | undefined;
    // A slow reader: the store must wait for it rather than queue the rest of the file.
    const readGrowth = await peakGrowth(async () => {
      const found = await files.get('imports/large.csv');
      expect(found?.file.size).toBe(LARGE_MEGABYTES * MEGABYTE);
      read = await digestOf(found!.content, 1);
    });
    expect(read).toEqual(expected);
    expect(writeGrowth).toBeLessThan(20 * MEGABYTE);
    expect(readGrowth).toBeLessThan(20 * MEGABYTE);
    // Seconds alone; minutes when the whole suite loads NATS and both cores.
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
