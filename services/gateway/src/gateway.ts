import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module, RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import fastifyCors from '@fastify/cors';
import fastifyMultipart from '@fastify/multipart';
import { loadConfig } from '@kinship/config';
import { createLogger, NestPinoLogger, ServiceMetrics, type Logger } from '@kinship/observability';
import { FilesModule, PlatformModule, REDIS, serviceInfo, type RunningService } from '@kinship/platform';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { AccessModule } from './access/access.module.js';
import { JwksController } from './access/jwks.controller.js';
import { markControllerPublic } from './access/route-access.js';
import { registerSessionEndHook, SessionRevocations } from './access/session-revocations.js';
import { AUTH_ROUTE_CONTROLLERS } from './auth-routes/auth-routes.js';
import { BILLING_ROUTE_CONTROLLERS } from './contract-routes/billing-routes.js';
import { CRM_SUPPORT_ROUTE_CONTROLLERS } from './crm-routes/crm-support-routes.js';
import { CAMPAIGN_ROUTE_CONTROLLERS } from './campaign-routes/campaign-routes.js';
import { AttachmentsModule } from './file-routes/attachments-store.js';
import { FILE_ROUTE_CONTROLLERS } from './file-routes/file-routes.js';
import { CRM_ROUTE_CONTROLLERS } from './crm-routes/crm-routes.js';
import { NOTIFICATION_ROUTE_CONTROLLERS } from './notification-routes/notification-routes.js';
import { REPORTING_ROUTE_CONTROLLERS } from './reporting-routes/reporting-routes.js';
import { GatewayConfig } from './gateway.config.js';
import { apiDocument } from './http/api-document.js';
import { serveConsole } from './http/console-static.js';
import { clientErrorHandler, frameworkErrorHandler } from './http/framework-errors.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { IdempotencyInterceptor, registerIdempotencyHook } from './http/idempotency.js';
import { useJsonBodyParser } from './http/json-body.js';
import { RequestContextInterceptor } from './http/request-context.interceptor.js';
import { API_PREFIX, ROOT_PATHS } from './http/paths.js';
import { RequestValidationPipe } from './http/validation.js';
import { registerRequestSpans, traceIdOf } from './http/request-span.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { SMS_ROUTE_CONTROLLERS } from './sms-routes/sms-routes.js';
import { SystemHealthController } from './system/system-health.controller.js';
import { WEBHOOK_ROUTE_CONTROLLERS } from './webhook-routes/webhook-routes.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface GatewayOptions {
  /** Feature modules or controllers beyond the system ones. */
  features?: Array<Type | DynamicModule>;
}

/** The controllers of the gateway's own routes; the platform adds /health/live, /health/ready and /metrics. */
export const GATEWAY_CONTROLLERS = [
  SystemHealthController,
  JwksController,
  ...AUTH_ROUTE_CONTROLLERS,
  ...CRM_ROUTE_CONTROLLERS,
  ...CRM_SUPPORT_ROUTE_CONTROLLERS,
  ...FILE_ROUTE_CONTROLLERS,
  ...BILLING_ROUTE_CONTROLLERS,
  ...NOTIFICATION_ROUTE_CONTROLLERS,
  ...WEBHOOK_ROUTE_CONTROLLERS,
  ...SMS_ROUTE_CONTROLLERS,
  ...CAMPAIGN_ROUTE_CONTROLLERS,
  ...REPORTING_ROUTE_CONTROLLERS,
];

/** A caller's X-Request-Id is kept when it is sane, so one id follows a request across systems. */
function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Probes and scrapes: no span, as they were not traced by OpenTelemetry's HTTP instrumentation. */
const UNTRACED_PATHS = /^\/(metrics|health)/;

function registerHttpHooks(fastify: FastifyInstance, metrics: ServiceMetrics, logger: Logger): void {
  registerRequestSpans(fastify, UNTRACED_PATHS);
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    logger.info(
      {
        requestId: request.id,
        traceId: traceIdOf(request.traceContext),
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });
}

/** Starts the public HTTP API on GATEWAY_PORT. */
export async function startGateway(env: NodeJS.ProcessEnv = process.env, options: GatewayOptions = {}): Promise<RunningService<GatewayConfig>> {
  const config = loadConfig('gateway', GatewayConfig, env);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const metrics = new ServiceMetrics('gateway');
  const info = serviceInfo('gateway', config);

  const platform = PlatformModule.forRoot({ info, config, logger, metrics, answersRequests: false });
  // Probes and Prometheus call the platform's operations endpoints without credentials.
  for (const controller of platform.controllers ?? []) markControllerPublic(controller);

  @Module({
    imports: [platform, AccessModule, FilesModule.register(), AttachmentsModule, ...(options.features ?? [])],
    controllers: GATEWAY_CONTROLLERS,
  })
  class GatewayModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers['x-request-id']),
    trustProxy: config.TRUST_PROXY.split(','),
    // Errors raised before Nest sees the request (Fastify's router, Node's HTTP parser) leave in the envelope too.
    frameworkErrors: frameworkErrorHandler(logger),
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  registerHttpHooks(app.getHttpAdapter().getInstance(), metrics, logger);
  registerSessionEndHook(app.getHttpAdapter().getInstance(), app.get(SessionRevocations));
  useJsonBodyParser(app, config.BODY_LIMIT_BYTES);
  registerSecurityHeaders(app.getHttpAdapter().getInstance(), {
    // One policy for what a browser shows from this origin: the console (a React SPA) and Swagger
    // UI at /docs, whose scripts are files of this origin too. No inline or foreign script, fetches
    // to this origin only, inline styles (React style props, Swagger UI's <style>), never framed.
    // Frames of blob: URLs: the console shows a PDF it fetched with the bearer token (an invoice's,
    // a record's file) in an iframe of the bytes in memory; plugins stay off (object-src 'none').
    // A page with a stricter need sets its own (the unsubscribe page: default-src 'none').
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameSrc: ["'self'", 'blob:'],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
  });
  // POST /imports and the files uploads read multipart bodies, streaming the file part into a FileStore (the uploads with limits of their own).
  await app.register(fastifyMultipart, { limits: { fileSize: config.IMPORT_MAX_BYTES, files: 1, fields: 10, fieldSize: 100_000 } });
  const allowedOrigins = config.CORS_ORIGINS.split(',').filter(Boolean);
  await app.register(fastifyCors, {
    origin: allowedOrigins,
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate', 'Idempotent-Replayed'],
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_PATHS.map((path) => ({ path, method: RequestMethod.GET })) });
  app.useGlobalFilters(new HttpErrorFilter(logger));
  const redis = app.get<Redis>(REDIS);
  registerIdempotencyHook(app.getHttpAdapter().getInstance(), redis);
  app.useGlobalInterceptors(new RequestContextInterceptor(), new IdempotencyInterceptor(redis, config.NATS_NAMESPACE));
  app.useGlobalPipes(new RequestValidationPipe());
  SwaggerModule.setup('docs', app, apiDocument(app), { jsonDocumentUrl: 'docs-json' });
  serveConsole(app.getHttpAdapter().getInstance(), logger);
  await app.listen({ port: config.GATEWAY_PORT, host: '0.0.0.0' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  logger.info({ url }, 'gateway started');
  return {
    app,
    config,
    logger,
    url,
    close: async () => {
      await app.close();
      logger.info('gateway stopped');
    },
  };
}
