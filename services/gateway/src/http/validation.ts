import { HttpException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { cacheValidationMetadata, inputProblems, type ErrorDetail } from '@kinship/messaging';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((issue) => ({ field, issue: issue.replace(`property ${error.property} `, '') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Validates every body, query and path against its DTO: unknown fields are refused, not
 * silently dropped, and each failure names its field. Then, whatever the DTO, what no field may
 * hold (a NUL character, a number beyond ±Number.MAX_SAFE_INTEGER, see inputProblems) is refused
 * too. A body that does not validate is a 422; malformed query or path parameters are a 400
 * (API.md "Conventions").
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => new HttpException({ code: 'validation_failed', message: 'The request is not valid.', details: flatten(errors) }, 422),
    });
    cacheValidationMetadata();
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      const transformed: unknown = await super.transform(value, metadata);
      // Checked as transformed: `?amountFrom=1e30` is a string until the DTO makes it a number.
      const problems = metadata.type === 'custom' ? [] : inputProblems(transformed);
      if (problems.length > 0) throw new HttpException({ code: 'validation_failed', message: 'The request is not valid.', details: problems }, 422);
      return transformed;
    } catch (error) {
      if (metadata.type === 'body' || !(error instanceof HttpException)) throw error;
      const { details } = error.getResponse() as { details: ErrorDetail[] };
      throw new HttpException({ code: 'invalid_parameter', message: `The ${metadata.type} parameters are not valid.`, details }, 400);
    }
  }
}
