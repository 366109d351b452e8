import type { Permission } from './access.js';

/** A class whose instances the operation reads or answers; its decorators document and validate it. */
export type ContractClass<T> = abstract new (...args: never[]) => T;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * An error status the operation can answer beyond 401/403 (permission) and 400/422 (validation):
 * its own 401/403 (a public operation's refusals, e.g. a wrong password) and 429 (throttled) too.
 */
export interface OperationError {
  status: 400 | 401 | 403 | 404 | 409 | 422 | 429;
  description: string;
}

/** How the gateway serves the operation; absent for operations between services only. */
export interface OperationRoute {
  method: HttpMethod;
  /** Under /api/v1, with `:name` path parameters, e.g. `invoices/:id/finalize`. */
  path: string;
  /** 201 for a POST that creates, 202 for one that queues a job, 204 when there is no `output`, else 200; without `output` the body is empty. */
  status: 200 | 201 | 202 | 204;
}

/**
 * One operation, written once and imported by both sides: the gateway binds its route to it, the
 * service its handler (`@Handles`). `Params` are the path parameters, `Input` the body (POST, PUT,
 * PATCH) or the query (GET, DELETE); the service receives both merged into one object.
 */
export interface Operation<Params extends object = object, Input extends object = object, Output = unknown> {
  /** The NATS subject, `<service>.<resource>.<verb>`. */
  pattern: string;
  summary: string;
  description: string;
  /**
   * What the caller must hold; 'public' for a route anyone may call without credentials (sign-in,
   * unsubscribe links); null for an operation between services (no route).
   */
  permission: Permission | 'public' | null;
  route?: OperationRoute;
  /** 'required': the service refuses the request without an `Idempotency-Key` header (money moves once per key). */
  idempotencyKey?: 'required';
  params?: ContractClass<Params>;
  input?: ContractClass<Input>;
  /** The reply; absent when the operation answers nothing (204). */
  output?: ContractClass<Output>;
  /**
   * The media type of a file the route answers instead of JSON (`application/pdf`). The service
   * replies a `FileReply` (NATS carries JSON, so the bytes travel base64) that the gateway decodes.
   */
  produces?: string;
  errors: readonly OperationError[];
}

/** What an operation with `produces` answers over NATS; the gateway sends the decoded bytes as the body. */
export class FileReply {
  /** The name the client saves it as (Content-Disposition); plain ASCII. */
  fileName!: string;
  /** The file, base64. */
  content!: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches every operation whatever its types
export type AnyOperation = Operation<any, any, any>;

type InstanceOf<C> = C extends ContractClass<infer T> ? T : never;

/** What the service receives: path parameters and body (or query) in one object. */
export type InputOf<O extends AnyOperation> = InstanceOf<NonNullable<O['params']>> & InstanceOf<NonNullable<O['input']>>;

/** What the service answers (void for a 204). */
export type OutputOf<O extends AnyOperation> = InstanceOf<NonNullable<O['output']>>;

/** Declares an operation; the identity function that lets TypeScript infer its types. */
export function defineOperation<Params extends object = object, Input extends object = object, Output = void>(
  operation: Operation<Params, Input, Output>,
): Operation<Params, Input, Output> {
  return operation;
}

/** The permission a caller of the operation must hold; an operation that names none (public, or between services) is a programming error here. */
export function permissionOf(operation: AnyOperation): Permission {
  const { permission } = operation;
  if (!permission || permission === 'public') throw new Error(`${operation.pattern} names no permission to check.`);
  return permission;
}
