import { ServiceConfig } from '@kinship/config';
import { IsInt, Max, Min } from 'class-validator';

export class ReportingConfig extends ServiceConfig {
  override HTTP_PORT: number = 3105;

  /** How often the schedule job looks for saved reports due to be emailed. */
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  REPORT_SCHEDULE_POLL_INTERVAL_MS: number = 60_000;
}
