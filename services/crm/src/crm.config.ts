import { ServiceConfig } from '@kinship/config';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

export class CrmConfig extends ServiceConfig {
  override HTTP_PORT: number = 3102;

  /**
   * Signs list cursors (HMAC-SHA256). Unset, the installation's own key is used, generated at its
   * first start and kept in crm.installation_secrets. Changing it invalidates the cursors handed out.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  CURSOR_SECRET: string | undefined = undefined;

  /** Rows an import merges and commits per transaction (one SELECT, INSERT and UPDATE each). */
  @IsInt()
  @Min(100)
  @Max(20_000)
  IMPORT_BATCH_SIZE: number = 5_000;

  /** How long a worker's lock on an import job lasts without renewal; a killed worker's job is taken over after it. */
  @IsInt()
  @Min(1_000)
  IMPORT_JOB_LOCK_MS: number = 30_000;

  /** How often workers look for jobs whose worker died (Bull's stalled-job check). */
  @IsInt()
  @Min(1_000)
  IMPORT_STALLED_CHECK_MS: number = 30_000;

  /** Bytes of live files each workspace may store (uploads past it: 413 quota_exceeded); 10 GiB by default. */
  @IsInt()
  @Min(0)
  FILES_QUOTA_BYTES: number = 10 * 1024 ** 3;

  /** Days a deleted file's bytes are kept before the file sweep removes them (and its row); 0: at the next sweep. */
  @IsInt()
  @Min(0)
  @Max(3650)
  FILES_PURGE_AFTER_DAYS: number = 30;

  /** How often the file sweep runs (one replica at a time: a repeatable Bull job). */
  @IsInt()
  @Min(60_000)
  FILES_SWEEP_EVERY_MS: number = 60 * 60 * 1000;
}
