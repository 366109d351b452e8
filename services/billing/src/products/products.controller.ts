import { Controller } from '@nestjs/common';
import { CreateProduct, DeleteProduct, GetProduct, ListProducts, RestoreProduct, UpdateProduct } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { ProductsService } from './products.service.js';

@Controller()
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Handles(CreateProduct)
  create({ context, data }: OperationRequest<typeof CreateProduct>) {
    return this.products.create(billingCaller(context, CreateProduct), data);
  }

  @Handles(ListProducts)
  list({ context, data }: OperationRequest<typeof ListProducts>) {
    return this.products.list(billingCaller(context, ListProducts), data);
  }

  @Handles(GetProduct)
  get({ context, data }: OperationRequest<typeof GetProduct>) {
    return this.products.get(billingCaller(context, GetProduct), data.id);
  }

  @Handles(UpdateProduct)
  update({ context, data: { id, ...changes } }: OperationRequest<typeof UpdateProduct>) {
    return this.products.update(billingCaller(context, UpdateProduct), id, changes);
  }

  @Handles(DeleteProduct)
  delete({ context, data }: OperationRequest<typeof DeleteProduct>) {
    return this.products.delete(billingCaller(context, DeleteProduct), data.id);
  }

  @Handles(RestoreProduct)
  restore({ context, data }: OperationRequest<typeof RestoreProduct>) {
    return this.products.restore(billingCaller(context, RestoreProduct), data.id);
  }
}
