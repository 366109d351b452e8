import type { ClassConstructor } from 'class-transformer';
import { RpcError, inputProblems } from '@kinship/messaging';
import { validate, type ValidationError } from 'class-validator';

function details(errors: ValidationError[]): Array<{ field: string; issue: string }> {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((issue) => ({ field: error.property, issue: issue.replace(`property ${error.property} `, '') })),
  );
}

/**
 * Checks a stored list filter (a segment's, an export's) against the query class of its list. A
 * filter is JSON, not a query string, so the class's query conversions (`a,b` → a list, `true` →
 * true) are not applied: a value must already have the type the class checks (422 naming it).
 */
export async function checkFilterFields<T extends object>(query: ClassConstructor<T>, filter: Record<string, unknown>): Promise<T> {
  const problems = inputProblems(filter);
  if (problems.length > 0) throw RpcError.validation(problems);
  const instance = Object.assign(Object.create(query.prototype as object) as T, filter);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw RpcError.validation(details(errors));
  return instance;
}
