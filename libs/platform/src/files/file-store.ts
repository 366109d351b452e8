import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { Objm, StorageType, type ObjectInfo, type ObjectStore } from '@nats-io/obj';

export interface StoredFile {
  key: string;
  size: number;
  /** What the writer attached, e.g. the uploaded file's name and content type. */
  metadata: Record<string, string>;
  storedAt: Date;
}

export interface FileContent {
  file: StoredFile;
  /** The bytes, read chunk by chunk as the consumer asks for them. */
  content: Readable;
}

export interface FileStoreOptions {
  /** Becomes part of the bucket name, so environments sharing one NATS keep their files apart. */
  namespace: string;
  /** How long an object lives; NATS removes it afterwards. 0: kept until deleted. */
  ttlDays: number;
  /** The bucket's name after the namespace; `kinship-files` (imports, exports) by default. */
  bucket?: string;
  description?: string;
}

const DIGEST_PREFIX = 'SHA-256=';

/** The bucket of files attached to records (POST /files): kept until deleted, unlike `kinship-files`. */
export const ATTACHMENTS_BUCKET = 'kinship-attachments';

/** How every service opens the attachments bucket (the gateway writes it, crm sweeps it): without expiry. */
export const ATTACHMENTS_OPTIONS: Omit<FileStoreOptions, 'namespace'> = {
  ttlDays: 0,
  bucket: ATTACHMENTS_BUCKET,
  description: 'Kinship files attached to records (POST /files), kept until deleted',
};

/** Object store buckets allow letters, digits, `-` and `_`; namespaces end with dots (`t_ab12.`). */
export function filesBucketName(namespace: string, bucket = 'kinship-files'): string {
  return `${namespace.replace(/[^a-zA-Z0-9_-]/g, '-')}${bucket}`;
}

function describe(info: ObjectInfo): StoredFile {
  return { key: info.name, size: info.size, metadata: info.metadata ?? {}, storedAt: new Date(info.mtime) };
}

/**
 * Pulls a Node stream only when the object store asks for the next chunk, so a slow NATS
 * holds the upload back instead of letting it pile up in memory. (Readable.toWeb in Node 20
 * counts chunks, not bytes, against its high-water mark and buffers far too much.)
 */
function pullStream(content: Readable): ReadableStream<Uint8Array> {
  const chunks = content[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(typeof next.value === 'string' ? Buffer.from(next.value) : (next.value as Uint8Array));
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Files shared between services (uploads for imports, results of exports) in a NATS JetStream
 * object store: NATS is already required by every service, so a gateway and a crm worker on
 * different machines see the same files without another storage system.
 */
export class FileStore {
  private constructor(
    private readonly store: ObjectStore,
    private readonly streams: JetStreamManager,
    private readonly streamName: string,
    private readonly bucket: string,
  ) {}

  /** Opens the bucket, creating it on first use (an existing bucket keeps its TTL). */
  static async open(nats: NatsConnection, options: FileStoreOptions): Promise<FileStore> {
    const bucket = filesBucketName(options.namespace, options.bucket);
    const store = await new Objm(nats).create(bucket, {
      description: options.description ?? 'Kinship files: import uploads and export results',
      storage: StorageType.File,
      ttl: nanos(options.ttlDays * 24 * 60 * 60 * 1000),
    });
    const status = await store.status();
    return new FileStore(store, await jetstreamManager(nats), status.streamInfo.config.name, bucket);
  }

  /** Streams `content` into the store under `key`, replacing an object of that key. */
  async put(key: string, content: Readable, metadata: Record<string, string> = {}): Promise<StoredFile> {
    const info = await this.store.put({ name: key, metadata }, pullStream(content));
    return describe(info);
  }

  async info(key: string): Promise<StoredFile | null> {
    const info = await this.store.info(key);
    return info && !info.deleted ? describe(info) : null;
  }

  /**
   * Reads an object one chunk per request (a direct get of the next message on the object's chunk
   * subject), so memory stays at a few chunks whatever the size and however slow the reader.
   * The library's own get pushes every chunk as fast as NATS sends it. The digest is checked at
   * the end: a corrupt object ends the stream with an error.
   */
  async get(key: string): Promise<FileContent | null> {
    const info = await this.store.info(key);
    if (!info || info.deleted) return null;
    const subject = `$O.${this.bucket}.C.${info.nuid}`;
    const { streams, streamName } = this;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      const hash = createHash('sha256');
      let sequence = 1;
      for (let chunk = 0; chunk < info!.chunks; chunk++) {
        const message = await streams.direct.getMessage(streamName, { seq: sequence, next_by_subj: subject });
        if (!message) throw new Error(`File ${key} is missing chunk ${chunk + 1} of ${info!.chunks}`);
        hash.update(message.data);
        sequence = message.seq + 1;
        yield message.data;
      }
      const digest = hash.digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
      if (info!.digest !== `${DIGEST_PREFIX}${digest}`) {
        throw new Error(`File ${key} is corrupt: its digest does not match`);
      }
    }
    return { file: describe(info), content: Readable.from(chunks(), { objectMode: false }) };
  }

  /** Every object of the bucket (deleted ones left out), read in one go: for sweeps, not for requests. */
  async list(): Promise<StoredFile[]> {
    return (await this.store.list()).filter((info) => !info.deleted).map(describe);
  }

  /** Removes an object; false when there was none. */
  async delete(key: string): Promise<boolean> {
    const info = await this.store.info(key);
    if (!info || info.deleted) return false;
    await this.store.delete(key);
    return true;
  }

  /** Removes the whole bucket (tests and benchmarks clean up their own namespace with it). */
  async destroy(): Promise<void> {
    await this.streams.streams.delete(this.streamName).catch(() => false);
  }
}
