import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, pageArgs, toConnection } from '../../platform/kernel/index.js';
import type { InventoryPosition, InventoryService } from './inventory.service.js';

export const inventorySdl = /* GraphQL */ `
  "computed channel stock of a partner and product on a date (quantities at 4 decimals)"
  type InventoryPosition {
    partnerId: ID!
    partnerCode: String!
    productId: ID!
    productCode: String!
    date: Date!
    "date of the opening snapshot (null: none, the stock starts at 0)"
    openingDate: Date
    opening: Decimal!
    sellIn: Decimal!
    sellThrough: Decimal!
    "opening + sellIn - sellThrough (may be negative)"
    quantity: Decimal!
    reportedOn: Date
    reported: Decimal
    windowSellThrough: Decimal!
    "quantity / (windowSellThrough / window); null without sell-through in the window"
    daysOfStock: Decimal
  }
  type InventoryPositionEdge {
    cursor: String!
    node: InventoryPosition!
  }
  type InventoryPositionConnection {
    edges: [InventoryPositionEdge!]!
    nodes: [InventoryPosition!]!
    pageInfo: PageInfo!
  }

  type InventoryReconciliation {
    partnerId: ID!
    partnerCode: String!
    productId: ID!
    productCode: String!
    openingDate: Date
    opening: Decimal!
    closingDate: Date!
    sellIn: Decimal!
    sellThrough: Decimal!
    computed: Decimal!
    reported: Decimal
    "reported - computed"
    difference: Decimal
  }
  type InventoryReconciliationEdge {
    cursor: String!
    node: InventoryReconciliation!
  }
  type InventoryReconciliationConnection {
    edges: [InventoryReconciliationEdge!]!
    nodes: [InventoryReconciliation!]!
    pageInfo: PageInfo!
  }

  type InventoryMovement {
    "sell_in or sell_through"
    stream: String!
    externalId: String!
    date: Date!
    quantity: Decimal!
    effect: Decimal!
    balance: Decimal!
  }
  type InventoryTracedLines {
    partnerId: ID!
    productId: ID!
    openingDate: Date
    opening: Decimal!
    closingDate: Date!
    reported: Decimal
    lines: [InventoryMovement!]!
    nextCursor: String
  }

  extend type Partner {
    "computed stock per product on a date (batched: one statement for all partners in a result)"
    inventory(date: Date, from: Date, window: Int, product: String): [InventoryPosition!]!
  }

  extend type Query {
    channelInventory(partner: String, product: String, date: Date, from: Date, window: Int, first: Int = 50, after: String): InventoryPositionConnection!
    inventoryReconciliation(partner: String, product: String, from: Date!, to: Date, first: Int = 50, after: String): InventoryReconciliationConnection!
    inventoryReconciliationLines(partner: String!, product: String!, from: Date!, to: Date, first: Int = 50, after: String): InventoryTracedLines!
  }
`;

type Ctx = MercuriusContext;
type Args = Record<string, any>;

export function inventoryResolvers(inventory: InventoryService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  const filters = (a: Args) => argsInput({ partner: a.partner, product: a.product, date: a.date, from: a.from, to: a.to, window: a.window });
  return {
    resolvers: {
      Query: {
        channelInventory: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await inventory.positions(ctx.actor, filters(a), pageArgs(a)), (p) => [p.partnerId, p.productId]),
        inventoryReconciliation: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await inventory.reconciliation(ctx.actor, filters(a), pageArgs(a)), (p) => [p.partnerId, p.productId]),
        inventoryReconciliationLines: async (_: unknown, a: Args, ctx: Ctx) => {
          const r = await inventory.tracedLines(ctx.actor, filters(a), pageArgs(a));
          const { data, ...rest } = r;
          return { ...rest, lines: data };
        },
      },
    },
    loaders: {
      Partner: {
        // one statement per distinct (date, from, window, product) in a result, whatever the number of partners
        inventory: async (
          queries: { obj: { id: string }; params: { date?: string | null; from?: string | null; window?: number | null; product?: string | null } }[],
          ctx: Ctx,
        ) => {
          const groups = new Map<string, number[]>();
          queries.forEach((q, i) => {
            const key = JSON.stringify([q.params.date ?? null, q.params.from ?? null, q.params.window ?? null, q.params.product ?? null]);
            groups.set(key, [...(groups.get(key) ?? []), i]);
          });
          const out: InventoryPosition[][] = queries.map(() => []);
          for (const [key, idx] of groups) {
            const [date, from, window, product] = JSON.parse(key) as [string | null, string | null, number | null, string | null];
            const map = await inventory.ofPartners(
              ctx.actor,
              idx.map((i) => queries[i]!.obj.id),
              argsInput({ date, from, window, product }),
            );
            for (const i of idx) out[i] = map.get(queries[i]!.obj.id) ?? [];
          }
          return out;
        },
      },
    },
  };
}
