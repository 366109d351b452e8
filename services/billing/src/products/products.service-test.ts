import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateProduct, DeleteProduct, RestoreProduct, UpdateProduct, type CreateProductBody } from '@kinship/contracts/billing';
import type { RequestContext } from '@kinship/observability';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import { billingService } from '../billing.service.js';
import { billingCaller } from '../common/billing-caller.js';
import { ProductsService } from './products.service.js';

function ownerContext(): RequestContext {
  return { workspaceId: randomUUID(), userId: randomUUID(), role: 'owner', scopes: [], requestId: randomUUID() };
}

describe('products (service tier): events', () => {
  let billing: ServiceTest;
  let products: ProductsService;

  beforeAll(async () => {
    billing = await startServiceTest(billingService);
    products = billing.get(ProductsService);
  });

  afterAll(async () => {
    await billing?.close();
  });

  const body = (sku: string): CreateProductBody => ({ name: `Product ${sku}`, sku, unitPrice: 1250, currency: 'EUR', taxRate: 2000 });

  it('emits product.created, updated, deleted and restored with the product as it is, in the transaction of each change', async () => {
    const context = ownerContext();
    const created = await products.create(billingCaller(context, CreateProduct), body('SKU-1'));
    await products.update(billingCaller(context, UpdateProduct), created.id, { unitPrice: 1500, active: false });
    await products.delete(billingCaller(context, DeleteProduct), created.id);
    await products.restore(billingCaller(context, RestoreProduct), created.id);
    // Restoring a live product changes nothing, so it emits nothing.
    await products.restore(billingCaller(context, RestoreProduct), created.id);

    const product = { productId: created.id, name: 'Product SKU-1', sku: 'SKU-1', currency: 'EUR', taxRate: 2000 };
    expect(await billing.events(context.workspaceId!)).toEqual([
      { type: 'product.created', aggregateId: created.id, actorId: context.userId, data: { product: { ...product, unitPrice: 1250, active: true } } },
      {
        type: 'product.updated',
        aggregateId: created.id,
        actorId: context.userId,
        data: { product: { ...product, unitPrice: 1500, active: false }, changedFields: ['unitPrice', 'active'] },
      },
      { type: 'product.deleted', aggregateId: created.id, actorId: context.userId, data: { productId: created.id, sku: 'SKU-1' } },
      { type: 'product.restored', aggregateId: created.id, actorId: context.userId, data: { product: { ...product, unitPrice: 1500, active: false } } },
    ]);
  });

  it('emits nothing for a refused change: a taken sku (409), an unknown product (404)', async () => {
    const context = ownerContext();
    const first = await products.create(billingCaller(context, CreateProduct), body('TAKEN'));
    const second = await products.create(billingCaller(context, CreateProduct), body('FREE'));
    const before = await billing.events(context.workspaceId!);
    expect(await refusal(products.update(billingCaller(context, UpdateProduct), second.id, { sku: 'TAKEN' }))).toMatchObject({
      status: 409,
      details: [{ field: 'sku', existingId: first.id }],
    });
    expect(await refusal(products.create(billingCaller(context, CreateProduct), body('TAKEN')))).toMatchObject({ status: 409 });
    expect(await refusal(products.delete(billingCaller(context, DeleteProduct), randomUUID()))).toMatchObject({ status: 404 });
    expect(await refusal(products.restore(billingCaller(context, RestoreProduct), randomUUID()))).toMatchObject({ status: 404 });
    expect(await billing.events(context.workspaceId!)).toEqual(before);
  });
});
