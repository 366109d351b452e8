import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AnyOperation } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
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

/**
 * Billing's own record of Idempotency-Key (the gateway's Redis copy is a cache that may be lost):
 * the key is claimed in the transaction of the effect, so a second request with it waits for the
 * first to commit and then answers the first's response, and a first that fails leaves no claim.
 * The same key with another operation or body is a 409.
 */
@Injectable()
export class IdempotencyKeys {
  async once<T>(manager: EntityManager, caller: BillingCaller, operation: AnyOperation, input: unknown, work: () => Promise<T>): Promise<T> {
    const key = requiredIdempotencyKey(caller);
    const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const claimed = (await manager.query(
      `INSERT INTO billing.idempotency_keys (workspace_id, key, operation, fingerprint) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key`,
      [caller.workspaceId, key, operation.pattern, fingerprint],
    )) as unknown[];
    if (claimed.length === 0) {
      const [earlier] = (await manager.query(`SELECT operation, fingerprint, response FROM billing.idempotency_keys WHERE workspace_id = $1 AND key = $2`, [
        caller.workspaceId,
        key,
      ])) as Array<{ operation: string; fingerprint: string; response: T }>;
      if (earlier!.operation !== operation.pattern || earlier!.fingerprint !== fingerprint) {
        throw RpcError.conflict('This Idempotency-Key was already used with a different request.', [
          { field: 'Idempotency-Key', issue: 'was used with a different operation or body' },
        ]);
      }
      return earlier!.response;
    }
    const response = await work();
    await manager.query(`UPDATE billing.idempotency_keys SET response = $3 WHERE workspace_id = $1 AND key = $2`, [
      caller.workspaceId,
      key,
      JSON.stringify(response),
    ]);
    return response;
  }
}
