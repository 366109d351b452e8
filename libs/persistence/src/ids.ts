import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7, validate } from 'uuid';

/**
 * Random bytes for ids, drawn 4 KiB at a time: one call into the crypto library per 256 ids. The
 * `uuid` package asks for 16 fresh bytes on every id, which was 4–5 % of billing's CPU per payment
 * (about nine ids each) in a profile (docs/performance.md, "payments (stop 28)").
 */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;
/** The millisecond and counter of the last id, as the `uuid` package keeps them, so ids made in one millisecond still sort in order. */
let lastMs = -Infinity;
let sequence = 0;

/** Ids are UUIDv7: ordered by creation, so a list sorted by id is sorted by age. */
export function newId(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const random = pool.subarray(poolOffset, (poolOffset += 16));
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // A random start within the millisecond, leaving room to count up (31 bits, as `uuid` does).
    sequence = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    sequence = (sequence + 1) | 0;
    // The counter ran over: the id borrows the next millisecond, as `uuid` does.
    if (sequence === 0) lastMs += 1;
  }
  return uuidv7({ random, msecs: lastMs, seq: sequence });
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value);
}
