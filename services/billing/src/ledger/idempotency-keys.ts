import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AnyOperation } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { preparedQuery } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';

const KEY_MAX = 255;

/** The key a money-moving operation requires; 400 naming the header without one. */
export function requiredIdempotencyKey(caller: BillingCaller): string {
  const key = caller.context.idempotencyKey;
  if (typeof key !== 'string' || key.length === 0 || key.length > KEY_MAX) {
    throw new RpcError(
      400,
      'idempotency_key_required',
      'This operation moves money: send an Idempotency-Key header (1 to 255 characters) so a retry cannot move it twice.',
      [{ field: 'Idempotency-Key', issue: 'is required' }],
    );
  }
  return key;
}

/** A statement whose parameters are numbered from the first one it is given. */
export type Statement = (firstParameter: number) => { sql: string; parameters: unknown[] };

/** CTEs for after WITH, and their parameters. */
export interface Ctes {
  ctes: string;
  parameters: unknown[];
}

/**
 * A key this transaction claimed. The response is recorded with the key before the commit, in the
 * statement of the effect (recordCte) or on its own (record).
 */
export class ClaimedKey {
  constructor(
    private readonly workspaceId: string,
    private readonly key: string,
    /** The transaction's timestamp, which every now() in it answers. */
    readonly claimedAt: Date,
  ) {}

  /** The CTE `answered` recording the response, parameters numbered from `firstParameter`. */
  recordCte(response: unknown, firstParameter: number): Ctes {
    return {
      ctes: `answered AS (UPDATE billing.idempotency_keys SET response = $${firstParameter + 2} WHERE workspace_id = $${firstParameter} AND key = $${firstParameter + 1})`,
      parameters: [this.workspaceId, this.key, JSON.stringify(response)],
    };
  }

  async record(manager: EntityManager, response: unknown): Promise<void> {
    const { ctes, parameters } = this.recordCte(response, 1);
    await manager.query(`WITH ${ctes} SELECT 1`, parameters);
  }
}

/** The claim's outcome: this transaction holds the key (with the rows of the statement sent along), or an earlier request answered it. */
export type Claim<Row> = { kind: 'claimed'; key: ClaimedKey; rows: Row[] } | { kind: 'answered'; response: unknown };

/**
 * Billing's record of Idempotency-Key, the one place it is kept for the operations that require it
 * (the gateway only checks its format): the key is claimed in the transaction of the effect, so a
 * second request with it waits for the first to commit and then answers the first's response, and a
 * first that fails leaves no claim. The same key with another operation or body is a 409. Keys are
 * per workspace and kept without expiry.
 */
@Injectable()
export class IdempotencyKeys {
  /**
   * Claims the key. A statement given along (the work's first, e.g. locking the invoice) goes in
   * the same round trip and runs after the claim, only when this transaction claimed the key.
   */
  async claim<Row = never>(manager: EntityManager, caller: BillingCaller, operation: AnyOperation, input: unknown, along?: Statement): Promise<Claim<Row>> {
    const key = requiredIdempotencyKey(caller);
    const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const claim = `INSERT INTO billing.idempotency_keys (workspace_id, key, operation, fingerprint) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING created_at`;
    const parameters = [caller.workspaceId, key, operation.pattern, fingerprint];
    const first = along?.(parameters.length + 1);
    // The statement is gated on the claim (a one-time filter, evaluated before it runs), so it runs
    // after the claim and not at all without one. No row: the key was taken; else one row per row
    // of the statement, or one without `found_along` when it found none.
    const rows = await preparedQuery<Row & { claimed_at: Date; found_along?: true }>(
      manager,
      first
        ? `WITH claim AS (${claim}) SELECT claim.created_at AS claimed_at, first.* FROM claim
           LEFT JOIN (SELECT true AS found_along, along.* FROM (${first.sql}) AS along WHERE EXISTS (SELECT FROM claim)) AS first ON true`
        : `WITH claim AS (${claim}) SELECT created_at AS claimed_at FROM claim`,
      [...parameters, ...(first?.parameters ?? [])],
    );
    if (rows.length > 0) {
      const found = rows.filter((row) => row.found_along).map(({ claimed_at: _claimedAt, found_along: _found, ...row }) => row as Row);
      return { kind: 'claimed', key: new ClaimedKey(caller.workspaceId, key, rows[0]!.claimed_at), rows: found };
    }
    const [earlier] = (await manager.query(`SELECT operation, fingerprint, response FROM billing.idempotency_keys WHERE workspace_id = $1 AND key = $2`, [
      caller.workspaceId,
      key,
    ])) as Array<{ operation: string; fingerprint: string; response: unknown }>;
    if (earlier!.operation !== operation.pattern || earlier!.fingerprint !== fingerprint) {
      throw RpcError.conflict('This Idempotency-Key was already used with a different request.', [
        { field: 'Idempotency-Key', issue: 'was used with a different operation or body' },
      ]);
    }
    return { kind: 'answered', response: earlier!.response };
  }

  /** Runs work once per key and records its response; a request with a key already answered gets that answer. */
  async once<T>(manager: EntityManager, caller: BillingCaller, operation: AnyOperation, input: unknown, work: () => Promise<T>): Promise<T> {
    const claim = await this.claim(manager, caller, operation, input);
    if (claim.kind === 'answered') return claim.response as T;
    const response = await work();
    await claim.key.record(manager, response);
    return response;
  }
}
