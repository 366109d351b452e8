import type { Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { AnyOperation, InputOf, OutputOf } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { HANDLED_METHOD, type HandledMethod } from './direct-handler.js';
import type { RpcRequest } from './rpc-request.js';
import type { ServiceClient } from './service-client.js';

/** What a handler of the operation receives: the caller's context and the contract's input. */
export type OperationRequest<O extends AnyOperation> = RpcRequest<InputOf<O>>;

/** The shape a handler of the operation must have: its request's data and its reply are the contract's. */
export type OperationHandler<O extends AnyOperation> = (request: OperationRequest<O>) => Promise<OutputOf<O>>;

/**
 * Binds a handler to an operation of `@kinship/contracts`: it subscribes the operation's pattern
 * (answered by NamespacedServerNats without Nest's pipeline when the method allows), and
 * TypeScript holds the method to the operation's input and output, so a renamed field or pattern
 * fails to compile on both sides. The data is not validated again here: the gateway
 * validated it against the same classes (docs/architecture.md "Contracts"). An operation without
 * output answers `{}`: a request over NATS needs a reply message, and an empty one reads as none.
 */
export function Handles<O extends AnyOperation>(operation: O) {
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<OperationHandler<O>>): TypedPropertyDescriptor<OperationHandler<O>> => {
    const handle = descriptor.value!;
    const answering: OperationHandler<O> = async function (this: unknown, request) {
      const reply = await handle.call(this, request);
      return (reply === undefined ? {} : reply) as OutputOf<O>;
    };
    // Metadata that decorators below this one put on the method stays with it.
    for (const key of Reflect.getOwnMetadataKeys(handle)) Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, handle), answering);
    const bound = { ...descriptor, value: answering };
    MessagePattern(operation.pattern, { [HANDLED_METHOD]: { controller: target.constructor as Type, method: key } satisfies HandledMethod })(
      target,
      key,
      bound,
    );
    return bound;
  };
}

/** Asks another service for an operation of `@kinship/contracts`, typed by it. */
export function callOperation<O extends AnyOperation>(client: ServiceClient, operation: O, input: InputOf<O>, context: RequestContext): Promise<OutputOf<O>> {
  return client.send<OutputOf<O>>(operation.pattern, input, context);
}
