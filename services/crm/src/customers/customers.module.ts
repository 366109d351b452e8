import { Module } from '@nestjs/common';
import { CustomersController } from './customers.controller.js';

/** crm.customers.lookup, for other services (no route). */
@Module({ controllers: [CustomersController] })
export class CustomersModule {}
