import type { PipeTransform } from '@nestjs/common';
import { RpcError, type ErrorDetail } from './rpc-error.js';
import type { RpcRequest } from './rpc-request.js';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((issue) => ({ field, issue: issue.replace(`property ${error.property} `, '') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Checks the data of a request against its DTO class, as the gateway does with a body: unknown
 * fields are refused, wrong types are not converted, and every failure names its field (422).
 * The service checks again because it must not rely on its caller for its own rules.
 */
export async function validateData<T extends object>(dto: ClassConstructor<T>, data: unknown): Promise<T> {
  const plain = typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {};
  const instance = plainToInstance(dto, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw RpcError.validation(flatten(errors));
  return instance;
}

/** `@Payload(new ValidRequest(SomeDto))`: the request with its data validated into the DTO. */
export class ValidRequest<T extends object> implements PipeTransform<RpcRequest, Promise<RpcRequest<T>>> {
  constructor(private readonly dto: ClassConstructor<T>) {}

  async transform(request: RpcRequest): Promise<RpcRequest<T>> {
    return { context: request.context, data: await validateData(this.dto, request.data) };
  }
}
