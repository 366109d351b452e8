import { ServiceConfig } from '@kinship/config';
import { IsInt, Matches, Max, Min } from 'class-validator';

export class GatewayConfig extends ServiceConfig {
  /** The public API; named apart from the services' HTTP_PORT because it is the one users type. */
  @IsInt()
  @Min(0)
  @Max(65535)
  GATEWAY_PORT: number = 3000;

  /** Browser origins allowed to call the API, comma-separated; empty allows none. */
  @Matches(/^(https?:\/\/[^\s,]+)?(,https?:\/\/[^\s,]+)*$/, { message: 'must be comma-separated http(s):// origins' })
  CORS_ORIGINS: string = 'http://localhost:5173';

  @IsInt()
  @Min(1024)
  @Max(104857600)
  BODY_LIMIT_BYTES: number = 1048576;

  /** The largest file POST /imports accepts (streamed to the FileStore, never held in memory); 1 GiB by default. */
  @IsInt()
  @Min(1024)
  IMPORT_MAX_BYTES: number = 1073741824;

  /** The largest file POST /files (and POST /<records>/:id/files) accepts, streamed to the object store; 25 MiB by default. */
  @IsInt()
  @Min(1)
  @Max(1073741824)
  FILES_MAX_BYTES: number = 26214400;

  /**
   * Which proxies in front of the gateway to believe about the client's address
   * (X-Forwarded-For), as proxy-addr names or CIDRs; the default covers a local proxy and a
   * Kubernetes ingress on a private network.
   */
  @Matches(/^[\w.:/-]+(,[\w.:/-]+)*$/, { message: 'must be comma-separated addresses, CIDRs or loopback/linklocal/uniquelocal' })
  TRUST_PROXY: string = 'loopback,linklocal,uniquelocal';

  /** How long GET /health waits for each service's readiness. */
  @IsInt()
  @Min(100)
  @Max(30000)
  HEALTH_TIMEOUT_MS: number = 2000;
}
