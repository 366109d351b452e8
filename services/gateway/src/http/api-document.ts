import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type ResponseObject } from '@nestjs/swagger';
import { ErrorResponse } from './error-response.dto.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The platform's operations endpoints, declared in @kinship/platform, which knows nothing of the document. */
const OPERATIONS_ENDPOINTS: Record<string, Pick<OperationObject, 'summary' | 'description'> & { responses?: Record<string, ResponseObject> }> = {
  '/health/live': {
    summary: 'Liveness probe',
    description: 'The process is up and its event loop turns; checks nothing else, so a slow dependency never restarts it.',
  },
  '/health/ready': {
    summary: 'Readiness probe',
    description: 'Whether PostgreSQL, Redis and NATS answer this gateway; 503 names the failing ones.',
    responses: { '503': { description: 'A dependency does not answer; the body names it.' } },
  },
  '/metrics': {
    summary: 'Prometheus metrics',
    description: 'The gateway’s metrics in the Prometheus text format, for the scraper.',
  },
};

/**
 * What any route may answer, beyond the statuses its operation lists, in the error envelope: the
 * framework's refusals of a request's framing, and failures on our side. Listed once, in the
 * document's description and its `x-kinship-any-route` extension, which the end-to-end suites read.
 */
const ANY_ROUTE: Record<number, string> = {
  408: 'request_timeout: the request was not received in time',
  414: 'uri_too_long: a path parameter is longer than this API accepts',
  415: 'unsupported_media_type: a body of a media type other than JSON',
  431: 'headers_too_large: the URL and headers are larger than this API accepts',
  500: 'internal_error: quote the request id',
  502: 'bad_gateway',
  503: 'service_unavailable: the service behind the route is not reachable',
  504: 'upstream_timeout: the service behind the route did not answer in time',
};

function errorResponse(description: string): ResponseObject {
  return { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ErrorResponse.name}` } } } };
}

/**
 * Completes an operation with what the gateway does for every route, whoever declared it: a public
 * route says so (`security: []`, since RequirePermission always declares credentials), and the
 * answers the framework gives any route with a body or parameters are listed (ANY_ROUTE aside).
 */
function completeOperation(path: string, method: string, operation: OperationObject): void {
  Object.assign(operation, OPERATIONS_ENDPOINTS[path] ?? {}, { responses: { ...operation.responses, ...OPERATIONS_ENDPOINTS[path]?.responses } });
  operation.security ??= [];
  const responses = operation.responses as Record<string, ResponseObject>;
  const add = (status: number, description: string) => {
    responses[status] ??= errorResponse(description);
  };
  add(
    400,
    operation.requestBody
      ? 'The body is not JSON (bad_request), or a parameter is not valid (invalid_parameter).'
      : 'The URL is malformed (bad_request), or a parameter is not valid (invalid_parameter).',
  );
  if (operation.requestBody) {
    add(413, 'The body is larger than this API accepts (payload_too_large).');
    add(415, 'The body is not of a media type this route reads (unsupported_media_type).');
    add(422, 'The body is not valid (validation_failed); details name each field.');
  }
  if (method === 'post' && operation.security.length > 0) {
    add(409, 'The Idempotency-Key was used with another request, or its first request is still running.');
  }
}

/** The public API's OpenAPI document (served at /docs-json), from the routes' and contracts' decorators. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kinship API')
      .setDescription(
        'The public API of Kinship, the open-source CRM. Errors share one envelope (ErrorResponse); see docs/api.md. ' +
          `Beyond the statuses each operation lists, any route may answer, in that envelope: ${Object.entries(ANY_ROUTE)
            .map(([status, meaning]) => `${status} (${meaning})`)
            .join('; ')}.`,
      )
      .setVersion('1')
      .setLicense('AGPL-3.0-only', 'https://www.gnu.org/licenses/agpl-3.0.html')
      .addServer('/', 'This installation')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
      .build(),
    { extraModels: [ErrorResponse] },
  );
  Object.assign(document, { 'x-kinship-any-route': Object.keys(ANY_ROUTE).map(Number) });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) completeOperation(path, method, operation);
    }
  }
  return document;
}
