import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { extendGraphql } from '../../platform/graphql.js';
import type { Store } from '../../platform/store.js';
import { zodValidatorCompiler } from '../../platform/validate.js';
import type { ApprovalsPort } from '../organisation/contract.js';
import { CreditService } from './credit.service.js';
import { CreditSweep } from './credit.sweep.js';
import { FulfilmentService } from './fulfilment.service.js';
import { importsOf } from '../../platform/imports.js';
import { inventoryResolvers, inventorySdl } from './inventory.graphql.js';
import { inventoryRoutes } from './inventory.routes.js';
import { InventoryService } from './inventory.service.js';
import { orderImportRoutes, registerOrderImport } from './orders.import.js';
import { ordersResolvers } from './orders.resolvers.js';
import { ordersRoutes } from './orders.routes.js';
import { ordersSdl } from './orders.sdl.js';
import { approvalPolicyGate, onOverrideDecided } from './orders.approvals.js';
import { OrderService } from './orders.service.js';

/** Services of the orders module: orders (check, lifecycle), fulfilment (shipments, invoices), credit. */
export interface OrdersServices {
  orders: OrderService;
  fulfilment: FulfilmentService;
  credit: CreditService;
  /** channel inventory (computed vs reported stock) */
  inventory: InventoryService;
  /** the credit sweep (credit.overdue, credit.over_limit): `sweep()` is the scheduled job, `runNow` the API */
  creditSweep: CreditSweep;
}

/** `approvals`: the sales organisation's approval engine, through which overrides of credit and quota refusals go. */
export function createOrdersServices(store: Store, deps: { approvals: ApprovalsPort }): OrdersServices {
  const orders = new OrderService(store, approvalPolicyGate(deps.approvals));
  onOverrideDecided(deps.approvals, orders);
  registerOrderImport(importsOf(store));
  return {
    orders,
    fulfilment: new FulfilmentService(store, orders),
    credit: new CreditService(store),
    inventory: new InventoryService(store),
    creditSweep: new CreditSweep(store),
  };
}

/** The orders module: one encapsulated plugin (its zod compilers stay inside). */
export async function ordersModule(app: FastifyInstance, opts: { services: OrdersServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  await ordersRoutes(app, opts.services);
  const g = ordersResolvers(opts.services);
  extendGraphql(app, ordersSdl, g.resolvers, g.loaders);
  await orderImportRoutes(app);
  await inventoryRoutes(app, opts.services.inventory);
  const inv = inventoryResolvers(opts.services.inventory);
  extendGraphql(app, inventorySdl, inv.resolvers, inv.loaders);
}
