import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Variables every service reads. A service's own schema extends this one.
 * Every property needs an initialiser (undefined for required ones) so the loader knows its name.
 */
export class ServiceConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: string = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/kinship';

  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @Matches(/^(nats|tls):\/\/\S+(,(nats|tls):\/\/\S+)*$/, { message: 'must be one or more comma-separated nats:// URLs' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  /** Prefix of every subject and stream, so that several environments can share one NATS server. */
  @Matches(/^([a-z0-9_-]+\.)*$/i, { message: 'must be empty or names each followed by a dot, e.g. "staging."' })
  NATS_NAMESPACE: string = '';

  /**
   * How long the events stream (KINSHIP_EVENTS) keeps an event: the horizon a consumer created
   * later can replay from (docs/events.md). Applied to the stream at every start.
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  EVENTS_MAX_AGE_DAYS: number = 30;

  /** A size cap on the events stream, the oldest dropped first; 0 for none (the age limit only). */
  @IsInt()
  @Min(0)
  EVENTS_MAX_BYTES: number = 0;

  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT: number = 0;

  @IsInt()
  @Min(100)
  @Max(120000)
  RPC_TIMEOUT_MS: number = 5000;

  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_GRACE_MS: number = 10000;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s):// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT: string | undefined = undefined;

  @IsString()
  SERVICE_VERSION: string = '0.1.0';

  /**
   * `true` lets the service start with a secret Kinship once published as a default
   * (libs/config/src/development-values.ts), with a loud warning: a developer machine only.
   */
  @IsIn(['true', 'false'])
  KINSHIP_DEV_INSECURE: string = 'false';
}
