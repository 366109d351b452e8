import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from '@kinship/observability';
import { ATTACHMENT_FILES, FileStore, LOGGER } from '@kinship/platform';
import { withWorkspace } from '@kinship/persistence';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { CrmConfig } from '../crm.config.js';

export const FILE_SWEEP_QUEUE = 'file-sweep';
/**
 * An object without a row is an orphan only once it is this old: the gateway stores the bytes
 * before crm records them, so a younger one may be an upload still being recorded.
 */
export const ORPHAN_AFTER_MS = 60 * 60 * 1000;
/** Deleted files purged per query. */
const BATCH = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SweepResult {
  /** Deleted files past their grace period whose bytes (and thumbnail) and rows were removed. */
  purged: number;
  /** Objects removed because no row names them: uploads whose gateway died before crm recorded them, and their thumbnails. */
  orphans: number;
}

/** The file a key belongs to: `files/<uuid>` itself, `thumbnails/<uuid>` the file it was made of. */
function fileKeyOf(objectKey: string): string | null {
  if (objectKey.startsWith('files/')) return objectKey;
  if (objectKey.startsWith('thumbnails/')) return `files/${objectKey.slice('thumbnails/'.length)}`;
  return null;
}

/**
 * Removes what the attachments bucket need not keep: the bytes of files deleted more than
 * FILES_PURGE_AFTER_DAYS ago (then their rows and attachments, so the files are gone for good),
 * and objects no row names that are older than ORPHAN_AFTER_MS. Objects go first, rows after: a
 * sweep that dies in between leaves a row whose bytes are gone (the next sweep finishes it), never
 * bytes no sweep would find.
 */
@Injectable()
export class FileSweeper {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ATTACHMENT_FILES) private readonly store: FileStore,
    private readonly config: CrmConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async sweep(now: Date = new Date()): Promise<SweepResult> {
    const purged = await this.purgeDeleted(new Date(now.getTime() - this.config.FILES_PURGE_AFTER_DAYS * DAY_MS));
    const orphans = await this.removeOrphans(new Date(now.getTime() - ORPHAN_AFTER_MS));
    if (purged || orphans) this.logger.info({ purged, orphans }, 'file sweep removed stored files');
    return { purged, orphans };
  }

  private async purgeDeleted(deletedBefore: Date): Promise<number> {
    let purged = 0;
    for (;;) {
      const rows: Array<{ workspace_id: string; id: string; object_key: string }> = await this.dataSource.query('SELECT * FROM crm.files_to_purge($1, $2)', [
        deletedBefore,
        BATCH,
      ]);
      for (const row of rows) {
        await this.store.delete(row.object_key);
        await this.store.delete(row.object_key.replace(/^files\//, 'thumbnails/'));
        await withWorkspace(this.dataSource, row.workspace_id, async (manager) => {
          await manager.query('DELETE FROM crm.file_attachments WHERE workspace_id = $1 AND file_id = $2', [row.workspace_id, row.id]);
          await manager.query('DELETE FROM crm.files WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NOT NULL', [row.workspace_id, row.id]);
        });
      }
      purged += rows.length;
      if (rows.length < BATCH) return purged;
    }
  }

  private async removeOrphans(storedBefore: Date): Promise<number> {
    const candidates = (await this.store.list())
      .map((object) => ({ key: object.key, fileKey: fileKeyOf(object.key), storedAt: object.storedAt }))
      .filter((object): object is { key: string; fileKey: string; storedAt: Date } => object.fileKey !== null && object.storedAt < storedBefore);
    let removed = 0;
    for (let start = 0; start < candidates.length; start += BATCH) {
      const batch = candidates.slice(start, start + BATCH);
      const rows: Array<{ key: string }> = await this.dataSource.query('SELECT crm.recorded_file_objects($1::text[]) AS key', [
        [...new Set(batch.map((object) => object.fileKey))],
      ]);
      const recorded = new Set(rows.map((row) => row.key));
      for (const object of batch) {
        if (recorded.has(object.fileKey)) continue;
        if (await this.store.delete(object.key)) removed++;
      }
    }
    return removed;
  }
}

/** Runs the sweep through a repeatable Bull job: Redis keeps one schedule, so one replica sweeps at a time. */
@Processor(FILE_SWEEP_QUEUE)
export class FileSweepJob implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(FILE_SWEEP_QUEUE) private readonly queue: Queue,
    private readonly sweeper: FileSweeper,
    private readonly config: CrmConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add({}, { repeat: { every: this.config.FILES_SWEEP_EVERY_MS }, jobId: 'file-sweep', removeOnComplete: true, removeOnFail: 100 });
  }

  @Process()
  async run(): Promise<void> {
    await this.sweeper.sweep();
  }
}
