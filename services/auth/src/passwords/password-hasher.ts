import { Injectable } from '@nestjs/common';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

// Algorithm is a const enum, which compilers working one file at a time (SWC in the tests) cannot inline.
const ARGON2ID: Algorithm.Argon2id = 2;

/** OWASP's argon2id parameters: 19 MiB, two passes, one lane. */
export const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * The hash of a random secret nobody knows, at the same cost: checking a password against it
 * takes as long as against a real one, so an unknown email answers no faster than a wrong password.
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$9aeI/DSPRnWniOq1qN5fgQ$b0jl9GR/zn6X2AMohOIuyno+IH+KzH7KrtsNP0jTIrE';

/** argon2id on libuv's thread pool, so hashing never blocks the event loop. */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  /** Whether the password matches; with no hash (no such account, or none set) it still spends the same time and says no. */
  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    const matches = await verify(passwordHash ?? DUMMY_HASH, password).catch(() => false);
    return passwordHash !== null && matches;
  }
}
