import type { Type } from '@nestjs/common';

/** The routes of API.md "CRM", each forwarding to the crm service. */
export const CRM_ROUTE_CONTROLLERS: Type[] = [];
