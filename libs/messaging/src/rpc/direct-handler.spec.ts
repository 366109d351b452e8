import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { UseGuards, type CanActivate, type Type } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IsString } from 'class-validator';
import { defineOperation } from '@kinship/contracts';
import { directHandler, HANDLED_METHOD, type HandledMethod } from './direct-handler.js';
import { Handles, type OperationRequest } from './operations.js';
import { RpcError } from './rpc-error.js';
import { ValidRequest } from './validation.js';

class EchoInput {
  @IsString()
  text!: string;
}

class EchoOutput {
  text!: string;
}

const Echo = defineOperation({
  pattern: 'test.echo.run',
  summary: 'Echo',
  description: 'Echo',
  permission: null,
  input: EchoInput,
  output: EchoOutput,
  errors: [],
});

class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

class PlainController {
  @Handles(Echo)
  async echo({ data }: OperationRequest<typeof Echo>) {
    return { text: data.text };
  }
}

class ValidatingController {
  @Handles(Echo)
  async echo(@Payload(new ValidRequest(EchoInput)) { data }: OperationRequest<typeof Echo>) {
    return { text: data.text.toUpperCase() };
  }
}

class GuardedController {
  @Handles(Echo)
  @UseGuards(AllowAll)
  async echo({ data }: OperationRequest<typeof Echo>) {
    return { text: data.text };
  }
}

class PartialPayloadController {
  @Handles(Echo)
  async echo(@Payload('context') { data }: OperationRequest<typeof Echo>) {
    return { text: data.text };
  }
}

function handledMethod(controller: Type): HandledMethod {
  const extras = Reflect.getMetadata('microservices:pattern_extras', controller.prototype.echo) as Record<string, HandledMethod>;
  return extras[HANDLED_METHOD]!;
}

function handlerOf(controller: Type) {
  return directHandler(handledMethod(controller), new controller());
}

const request = (data: unknown) => ({ context: { requestId: 'r-1' }, data });

describe('directHandler', () => {
  it('calls a @Handles method with the request, bound to its instance', async () => {
    expect(await handlerOf(PlainController)!(request({ text: 'hi' }))).toEqual({ text: 'hi' });
  });

  it("runs the payload's pipes first, so a handler that validates its input still refuses bad input with 422", async () => {
    const handler = handlerOf(ValidatingController)!;
    expect(await handler(request({ text: 'hi' }))).toEqual({ text: 'HI' });
    const refusal = await handler(request({ text: 5, extra: true })).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RpcError);
    expect((refusal as RpcError).toPayload()).toMatchObject({
      status: 422,
      code: 'validation_failed',
      details: expect.arrayContaining([expect.objectContaining({ field: 'text' })]),
    });
  });

  it("leaves to Nest's pipeline a method with a guard, or one that takes a part of the payload", () => {
    expect(handlerOf(GuardedController)).toBeUndefined();
    expect(handlerOf(PartialPayloadController)).toBeUndefined();
  });
});
