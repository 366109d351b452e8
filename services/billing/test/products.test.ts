import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateProduct, DeleteProduct, GetProduct, ListProducts, RestoreProduct, UpdateProduct, type CreateProductBody } from '@kinship/contracts/billing';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { ProductsService } from '../src/products/products.service.js';
import { callerOf, expectRefused, startBillingStack, userContext, type BillingStack } from './support.js';

describe('products (service level)', () => {
  let stack: BillingStack;
  let products: ProductsService;

  beforeAll(async () => {
    stack = await startBillingStack('billing-products');
    products = stack.billing.app.get(ProductsService);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const product = (sku: string): CreateProductBody => ({ name: `Product ${sku}`, sku, unitPrice: 1000, currency: 'EUR' });
  const create = (context: RequestContext, body: CreateProductBody) => products.create(callerOf(context, CreateProduct), body);

  it('lets one of 10 concurrent creations take a sku, and tells the others which product holds it', async () => {
    const owner = userContext('owner');
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => create(owner, product('RACE'))));
    const created = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(created).toHaveLength(1);
    const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(refusals.map((refusal) => refusal instanceof RpcError && { status: refusal.status, existingId: refusal.details[0]?.existingId })).toEqual(
      Array.from({ length: 9 }, () => ({ status: 409, existingId: created[0]!.id })),
    );
  });

  it('refuses a change to a sku another live product holds, naming it, and changes nothing', async () => {
    const owner = userContext('owner');
    const first = await create(owner, product('A'));
    const second = await create(owner, product('B'));
    const refused = await expectRefused(products.update(callerOf(owner, UpdateProduct), second.id, { sku: 'A', unitPrice: 1 }), 409, 'sku');
    expect(refused.details[0]?.existingId).toBe(first.id);
    expect(await products.get(callerOf(owner, GetProduct), second.id)).toEqual(second);
  });

  it('lets each workspace use any sku, and answers 404 for another workspace’s product', async () => {
    const owner = userContext('owner');
    const stranger = userContext('owner');
    const mine = await create(owner, product('SHARED'));
    await create(stranger, product('SHARED'));
    await expectRefused(products.get(callerOf(stranger, GetProduct), mine.id), 404);
    await expectRefused(products.update(callerOf(stranger, UpdateProduct), mine.id, { name: 'Taken' }), 404);
    await expectRefused(products.delete(callerOf(stranger, DeleteProduct), mine.id), 404);
    await expectRefused(products.restore(callerOf(stranger, RestoreProduct), mine.id), 404);
    expect((await products.list(callerOf(owner, ListProducts), {})).data).toEqual([mine]);
  });

  it('pages through products with the cursor', async () => {
    const owner = userContext('owner');
    for (const sku of ['P1', 'P2', 'P3']) await create(owner, product(sku));
    const first = await products.list(callerOf(owner, ListProducts), { limit: 2 });
    const second = await products.list(callerOf(owner, ListProducts), { limit: 2, cursor: first.nextCursor! });
    expect([...first.data, ...second.data].map((item) => item.sku)).toEqual(['P1', 'P2', 'P3']);
    expect(second.nextCursor).toBeNull();
  });
});
