import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

const cached = new WeakSet<MetadataStorage>();

/**
 * Makes class-validator look up a class's rules once per class and options instead of on every
 * validation. Its lookup walks the rules of every decorated class in the process to find inherited
 * ones (an `instanceof` per class, hundreds of DTOs here), which was the gateway's largest single
 * function per request (docs/performance.md). Any rule added later (a class decorated after the
 * first validation) empties the cache, so the answers stay the ones the lookup would give.
 * Idempotent: every validation pipe calls it.
 */
export function cacheValidationMetadata(): void {
  const storage = getMetadataStorage();
  if (cached.has(storage)) return;
  cached.add(storage);
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator keys its rules by class (Function) or schema name.
  let answers = new Map<Function | string, Map<string, ValidationMetadata[]>>();
  storage.getTargetValidationMetadatas = (target, targetSchema, always, strictGroups, groups) => {
    const options = JSON.stringify([targetSchema, always, strictGroups, groups]);
    let byOptions = answers.get(target);
    if (byOptions === undefined) answers.set(target, (byOptions = new Map()));
    let rules = byOptions.get(options);
    if (rules === undefined) byOptions.set(options, (rules = lookUp(target, targetSchema, always, strictGroups, groups)));
    // A copy: the caller owns the array it gets, as with the lookup itself.
    return rules.slice();
  };
  storage.addValidationMetadata = (metadata) => {
    answers = new Map();
    addRule(metadata);
  };
}
