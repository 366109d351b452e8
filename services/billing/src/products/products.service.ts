import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BillingEvents } from '@kinship/contracts';
import type { CreateProductBody, ListProductsQuery, Product, ProductPage, UpdateProductBody } from '@kinship/contracts/billing';
import { pagePosition, RpcError, toPage } from '@kinship/messaging';
import { newId, updateReturning, violatesUnique, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';

interface ProductRow {
  id: string;
  name: string;
  sku: string;
  unit_price: string;
  currency: string;
  tax_rate: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

const COLUMNS = 'id, name, sku, unit_price, currency, tax_rate, active, created_at, updated_at, deleted_at';

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    name: row.name,
    sku: row.sku,
    unitPrice: Number(row.unit_price),
    currency: row.currency,
    taxRate: row.tax_rate,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
  };
}

function eventProductOf(product: Product): BillingEvents.Product {
  const { id, name, sku, unitPrice, currency, taxRate, active } = product;
  return { productId: id, name, sku, unitPrice, currency, taxRate, active };
}

function productNotFound(): RpcError {
  return RpcError.notFound('Product');
}

function skuTaken(existingId: string): RpcError {
  return RpcError.conflict('Another product has this sku.', [{ field: 'sku', issue: 'is taken by another live product', existingId }]);
}

/**
 * Products: sku unique among the workspace's live products, prices in integer minor units. Each
 * change emits its event (product.created, updated, deleted, restored) in its transaction.
 */
@Injectable()
export class ProductsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  async create(caller: BillingCaller, input: CreateProductBody): Promise<Product> {
    return this.writingSku(caller.workspaceId, input.sku, async (manager, emit) => {
      const [row] = (await manager.query(
        `INSERT INTO billing.products (id, workspace_id, name, sku, unit_price, currency, tax_rate, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [newId(), caller.workspaceId, input.name, input.sku, input.unitPrice, input.currency, input.taxRate ?? 0, input.active ?? true],
      )) as ProductRow[];
      const product = toProduct(row!);
      await emit<BillingEvents.ProductCreated>({
        type: 'product.created',
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        aggregateId: product.id,
        data: { product: eventProductOf(product) },
      });
      return product;
    });
  }

  async get(caller: BillingCaller, id: string): Promise<Product> {
    const row = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.find(manager, caller.workspaceId, id));
    if (!row) throw productNotFound();
    return toProduct(row);
  }

  async list(caller: BillingCaller, query: ListProductsQuery): Promise<ProductPage> {
    const position = pagePosition(query);
    const rows = await withWorkspace(
      this.dataSource,
      caller.workspaceId,
      (manager) =>
        manager.query(
          `SELECT ${COLUMNS} FROM billing.products
         WHERE workspace_id = $1 AND (deleted_at IS NOT NULL) = $2 AND ($3::boolean IS NULL OR active = $3) AND ($4::uuid IS NULL OR id > $4)
         ORDER BY id LIMIT $5`,
          [caller.workspaceId, query.deleted === 'true', query.active === undefined ? null : query.active === 'true', position.afterId, position.limit + 1],
        ) as Promise<ProductRow[]>,
    );
    return toPage(rows, position, toProduct);
  }

  async update(caller: BillingCaller, id: string, input: UpdateProductBody): Promise<Product> {
    return this.writingSku(caller.workspaceId, input.sku, async (manager, emit) => {
      const [row] = await updateReturning<ProductRow>(
        manager,
        `UPDATE billing.products SET name = coalesce($3, name), sku = coalesce($4, sku), unit_price = coalesce($5, unit_price),
           currency = coalesce($6, currency), tax_rate = coalesce($7, tax_rate), active = coalesce($8, active), updated_at = now()
         WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
        [
          caller.workspaceId,
          id,
          input.name ?? null,
          input.sku ?? null,
          input.unitPrice ?? null,
          input.currency ?? null,
          input.taxRate ?? null,
          input.active ?? null,
        ],
      );
      if (!row) throw productNotFound();
      const product = toProduct(row);
      await emit<BillingEvents.ProductUpdated>({
        type: 'product.updated',
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        aggregateId: product.id,
        data: { product: eventProductOf(product), changedFields: Object.keys(input).filter((field) => input[field as keyof UpdateProductBody] !== undefined) },
      });
      return product;
    });
  }

  async delete(caller: BillingCaller, id: string): Promise<void> {
    await this.events.transaction(caller.workspaceId, async (manager, emit) => {
      const [row] = await updateReturning<{ id: string; sku: string }>(
        manager,
        `UPDATE billing.products SET deleted_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id, sku`,
        [caller.workspaceId, id],
      );
      if (!row) throw productNotFound();
      await emit<BillingEvents.ProductDeleted>({
        type: 'product.deleted',
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        aggregateId: row.id,
        data: { productId: row.id, sku: row.sku },
      });
    });
  }

  /** Restoring a live product returns it unchanged. */
  async restore(caller: BillingCaller, id: string): Promise<Product> {
    const found = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.find(manager, caller.workspaceId, id));
    if (!found) throw productNotFound();
    if (!found.deleted_at) return toProduct(found);
    return this.writingSku(caller.workspaceId, found.sku, async (manager, emit) => {
      // Only a deleted one, so a restore racing this one emits no second product.restored.
      const [row] = await updateReturning<ProductRow>(
        manager,
        `UPDATE billing.products SET deleted_at = NULL, updated_at = now() WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NOT NULL RETURNING ${COLUMNS}`,
        [caller.workspaceId, id],
      );
      if (!row) {
        const current = await this.find(manager, caller.workspaceId, id);
        if (!current) throw productNotFound();
        return toProduct(current);
      }
      const product = toProduct(row);
      await emit<BillingEvents.ProductRestored>({
        type: 'product.restored',
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        aggregateId: product.id,
        data: { product: eventProductOf(product) },
      });
      return product;
    });
  }

  private async find(manager: EntityManager, workspaceId: string, id: string): Promise<ProductRow | undefined> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM billing.products WHERE workspace_id = $1 AND id = $2`, [workspaceId, id])) as ProductRow[];
    return rows[0];
  }

  /** Runs a write that may take `sku`; when another live product holds it (the unique index says so), the 409 names that product. */
  private async writingSku<T>(workspaceId: string, sku: string | undefined, write: (manager: EntityManager, emit: Emit) => Promise<T>): Promise<T> {
    try {
      return await this.events.transaction(workspaceId, write);
    } catch (error) {
      if (sku === undefined || !violatesUnique(error, 'products_sku_key')) throw error;
      const [holder] = (await withWorkspace(this.dataSource, workspaceId, (manager) =>
        manager.query(`SELECT id FROM billing.products WHERE workspace_id = $1 AND sku = $2 AND deleted_at IS NULL`, [workspaceId, sku]),
      )) as Array<{ id: string }>;
      throw holder ? skuTaken(holder.id) : error;
    }
  }
}
