import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { PipeTransform, Type } from '@nestjs/common';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum.js';

/** Where `@Handles` leaves, in the pattern's extras, the method a server may call without Nest's pipeline. */
export const HANDLED_METHOD = 'kinship:handled-method';

export interface HandledMethod {
  controller: Type;
  method: string | symbol;
}

/** A request's payload in, the handler's reply out. */
export type DirectHandler = (payload: unknown) => Promise<unknown>;

interface ParamMetadata {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

const ENHANCERS = [GUARDS_METADATA, INTERCEPTORS_METADATA, EXCEPTION_FILTERS_METADATA, PIPES_METADATA];

function isPipeInstance(pipe: unknown): pipe is PipeTransform {
  return typeof pipe === 'object' && pipe !== null && typeof (pipe as PipeTransform).transform === 'function';
}

/**
 * The method of a controller instance as a plain function of the request's payload, or undefined
 * when it needs what only Nest's pipeline does: a guard, interceptor, filter or pipe on the method
 * or its class, a parameter other than the whole payload (`@Ctx()`, `@Payload('field')`), or a pipe
 * given as a class for Nest to build. `@Payload(new SomePipe())` pipes (ValidRequest) run in order,
 * so a handler that validates its input still does.
 */
export function directHandler(handled: HandledMethod, instance: object): DirectHandler | undefined {
  const { controller, method } = handled;
  const callback = (instance as Record<string | symbol, unknown>)[method];
  if (typeof callback !== 'function') return undefined;
  if (ENHANCERS.some((key) => Reflect.getMetadata(key, controller) !== undefined || Reflect.getMetadata(key, callback) !== undefined)) return undefined;
  const params = Object.entries((Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, ParamMetadata>);
  const payloadParams: Array<{ index: number; pipes: PipeTransform[] }> = [];
  for (const [key, param] of params) {
    const pipes = param.pipes ?? [];
    if (Number(key.split(':')[0]) !== RpcParamtype.PAYLOAD || param.data !== undefined || !pipes.every(isPipeInstance)) return undefined;
    payloadParams.push({ index: param.index, pipes });
  }
  const paramTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as unknown[];
  return async (payload) => {
    // Without parameter decorators Nest passes the payload first, as here.
    const args: unknown[] = [payload];
    for (const { index, pipes } of payloadParams) {
      let value = payload;
      for (const pipe of pipes) value = await pipe.transform(value, { type: 'body', metatype: paramTypes[index] as Type | undefined, data: undefined });
      args[index] = value;
    }
    return (callback as (...args: unknown[]) => unknown).apply(instance, args);
  };
}
