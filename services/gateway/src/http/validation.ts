import { HttpException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ErrorDetail } from '@kinship/messaging';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((issue) => ({ field, issue: issue.replace(`property ${error.property} `, '') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Validates every body, query and path against its DTO: unknown fields are refused, not
 * silently dropped, and each failure names its field in a 422.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new HttpException({ code: 'validation_failed', message: 'The request is not valid.', details: flatten(errors) }, 422),
  });
}
