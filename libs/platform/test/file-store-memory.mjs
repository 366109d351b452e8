// Stores and reads back a large generated file through the built FileStore in a process of its own, sampling
// its live memory; prints what it measured as one JSON line. file-store.test.ts runs it: in a small process a
// full collection takes milliseconds, where Jest's worker (hundreds of MB of loaded suites) took seconds per sample.
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { FileStore } from '@kinship/platform';

const MEGABYTE = 1024 * 1024;
const [natsUrl, namespace, megabytesArgument] = process.argv.slice(2);
const megabytes = Number(megabytesArgument);
const seed = createHash('sha256').update(namespace).digest();

/** The file, made on demand 1 MB at a time, so the process holds no copy of it. */
function generated() {
  let produced = 0;
  return new Readable({
    read() {
      if (produced === megabytes) return this.push(null);
      produced++;
      this.push(
        createHash('sha512')
          .update(seed)
          .update(String(produced))
          .digest()
          .toString('hex')
          .repeat(MEGABYTE / 128),
      );
    },
  });
}

/** Reads a stream to its end, as slowly as asked, keeping only its digest and size. */
async function digestOf(content, delayPerChunkMs = 0) {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    content,
    new Transform({
      async transform(chunk, _encoding, done) {
        if (delayPerChunkMs > 0) await sleep(delayPerChunkMs);
        done(null, chunk);
      },
    }),
    async function (chunks) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
      }
    },
  );
  return { digest: hash.digest('hex'), size };
}

/** Live memory, not garbage: each sample collects first, so what remains is what the streams hold. */
function liveBytes() {
  globalThis.gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

/** Runs `work` while sampling live memory; returns how far above the start it went. */
async function peakGrowth(work) {
  const start = liveBytes();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, liveBytes())), 250);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, liveBytes()) - start;
}

const nats = await connect({ servers: natsUrl });
const files = await FileStore.open(nats, { namespace, ttlDays: 1 });
try {
  const expected = await digestOf(generated());
  let stored;
  const writeGrowth = await peakGrowth(async () => {
    stored = await files.put('imports/large.csv', generated(), { fileName: 'large.csv' });
  });
  let read;
  let foundSize;
  // A slow reader: the store must wait for it rather than queue the rest of the file.
  const readGrowth = await peakGrowth(async () => {
    const found = await files.get('imports/large.csv');
    foundSize = found?.file.size;
    read = await digestOf(found.content, 1);
  });
  process.stdout.write(`${JSON.stringify({ expected, stored, foundSize, read, writeGrowth, readGrowth })}\n`);
} finally {
  await files.destroy();
  await nats.close();
}
