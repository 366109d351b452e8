import { useState } from 'react';

const newKey = () => globalThis.crypto.randomUUID();

/**
 * The Idempotency-Key of one money operation being entered: the same through retries after a lost
 * answer, so it never runs twice; renewed once it has succeeded, for the next one.
 */
export function useIdempotencyKey(): [key: string, renew: () => void] {
  const [key, setKey] = useState(newKey);
  return [key, () => setKey(newKey())];
}
