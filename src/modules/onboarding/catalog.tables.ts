import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Product lines (产品线): the unit of authorisation and exclusivity. */
export const productLines = pgTable(
  'product_lines',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('product_lines_code_uq').on(t.tenantId, t.code)],
);

/** Products (SKUs), each in at most one line. */
export const products = pgTable(
  'products',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    lineId: uuid('line_id'),
    unit: text('unit').notNull().default('pcs'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('products_code_uq').on(t.tenantId, t.code),
    index('products_line_idx').on(t.tenantId, t.lineId),
    foreignKey({ name: 'products_line_fk', columns: [t.tenantId, t.lineId], foreignColumns: [productLines.tenantId, productLines.id] }),
  ],
);

/** Sales territories (销售区域): a tree per tenant (country > province > city, or the tenant's own regions). */
export const territories = pgTable(
  'territories',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    parentId: uuid('parent_id'),
    level: text('level'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('territories_code_uq').on(t.tenantId, t.code),
    index('territories_parent_idx').on(t.tenantId, t.parentId),
    foreignKey({ name: 'territories_parent_fk', columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }),
    check('territories_not_own_parent_ck', sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
  ],
);
