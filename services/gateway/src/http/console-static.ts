import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@kinship/observability';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX, ROOT_PATHS } from './paths.js';
import { answerRouterError, MAX_PARAM_LENGTH } from './framework-errors.js';

/** Where `npm run build -w console` writes the web console, from services/gateway/{src,dist}/http. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../../console/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the console never answers: the API, its documents and the operations endpoints keep their own 404s. */
const RESERVED = [`/${API_PREFIX.split('/')[0]}`, '/docs', '/docs-json', ...ROOT_PATHS.map((path) => `/${path}`)];

function reserved(path: string): boolean {
  return RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}.`));
}

function contentType(file: string): string {
  return CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
}

/** The routes serveConsole adds: public static files, outside the API and its permission matrix. */
export const CONSOLE_ROUTES = ['GET /assets/*', 'GET /*'];

/**
 * Serves the web console (console/dist) at `/`: its hashed assets cached for a year (a new build
 * has new names), index.html never cached and answered for every other path the SPA's router owns.
 * Does nothing when the console was not built, so the API runs alone.
 */
export function serveConsole(fastify: FastifyInstance, logger: Logger, dist: string = CONSOLE_DIST): void {
  const indexFile = join(dist, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn({ dist }, 'web console not built (npm run build -w console); serving the API only');
    return;
  }
  const index = readFileSync(indexFile);
  const assets = resolve(dist, 'assets');
  const topLevelFiles = new Set(readdirSync(dist).filter((name) => name !== 'index.html' && statSync(join(dist, name)).isFile()));

  const sendIndex = (reply: FastifyReply) => reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(index);

  fastify.get('/assets/*', (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    const file = resolve(assets, request.params['*']);
    if (!file.startsWith(assets + sep) || !existsSync(file) || !statSync(file).isFile()) return reply.callNotFound();
    return reply.header('Cache-Control', 'public, max-age=31536000, immutable').type(contentType(file)).send(createReadStream(file));
  });
  fastify.get('/*', (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    const path = `/${request.params['*']}`;
    if (reserved(path)) {
      // An API path whose parameter is over maxParamLength misses its route and lands here: answer what the router would have.
      if (path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) return answerRouterError('FST_ERR_MAX_PARAM_LENGTH', request, reply);
      return reply.callNotFound();
    }
    const name = path.slice(1);
    if (topLevelFiles.has(name)) {
      return reply
        .header('Cache-Control', 'public, max-age=3600')
        .type(contentType(name))
        .send(createReadStream(join(dist, name)));
    }
    return sendIndex(reply);
  });
}
