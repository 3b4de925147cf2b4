import { z } from 'zod';
import { Code, text } from '../../platform/kernel/index.js';

const csvBool = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean());

export const ProductLineCreate = z.strictObject({ code: Code, name: text(200), active: z.boolean().default(true) }).meta({ id: 'ProductLineCreate' });
export const ProductLineUpdate = z
  .strictObject({ code: Code.optional(), name: text(200).optional(), active: z.boolean().optional(), version: z.number().int().min(1).optional() })
  .meta({ id: 'ProductLineUpdate' });
export const ProductLine = z
  .object({ id: z.uuid(), code: z.string(), name: z.string(), active: z.boolean(), version: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'ProductLine' });
export type ProductLine = z.infer<typeof ProductLine>;

export const ProductCreate = z
  .strictObject({
    code: Code,
    name: text(200),
    lineId: z.uuid().nullable().optional().describe('Product line (or send lineCode)'),
    lineCode: Code.optional().describe('Product line by code'),
    unit: text(20).default('pcs'),
    active: z.boolean().default(true),
  })
  .meta({ id: 'ProductCreate' });
export const ProductUpdate = z
  .strictObject({
    code: Code.optional(),
    name: text(200).optional(),
    lineId: z.uuid().nullable().optional(),
    unit: text(20).optional(),
    active: z.boolean().optional(),
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'ProductUpdate' });
export const Product = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    lineId: z.uuid().nullable(),
    unit: z.string(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' });
export type Product = z.infer<typeof Product>;

export const TerritoryCreate = z
  .strictObject({
    code: Code,
    name: text(200),
    parentId: z.uuid().nullable().optional(),
    level: text(50).nullable().optional().describe("e.g. country, province, city, district, or the tenant's own level"),
    active: z.boolean().default(true),
  })
  .meta({ id: 'TerritoryCreate' });
export const TerritoryUpdate = z
  .strictObject({
    code: Code.optional(),
    name: text(200).optional(),
    parentId: z.uuid().nullable().optional(),
    level: text(50).nullable().optional(),
    active: z.boolean().optional(),
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'TerritoryUpdate' });
export const Territory = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    parentId: z.uuid().nullable(),
    level: z.string().nullable(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Territory' });
export type Territory = z.infer<typeof Territory>;

export const CatalogListQuery = z.object({
  q: z.string().trim().min(1).max(100).optional().describe('Search in code and name'),
  active: z.enum(['true', 'false']).optional(),
});
export const ProductListQuery = CatalogListQuery.extend({ lineId: z.string().trim().min(1).max(64).optional().describe('id or code') });
export const TerritoryListQuery = CatalogListQuery.extend({
  parentId: z.string().trim().min(1).max(64).optional().describe('id or code'),
  level: z.string().max(50).optional(),
  root: z.enum(['true', 'false']).optional().describe('only territories without a parent'),
});
export type ProductListQuery = z.infer<typeof ProductListQuery>;
export type TerritoryListQuery = z.infer<typeof TerritoryListQuery>;

/** Import rows (CSV values arrive as strings). */
export const ProductLineImportRow = z.strictObject({ code: Code, name: text(200), active: csvBool.default(true) });
export const ProductImportRow = z.strictObject({
  code: Code,
  name: text(200),
  lineCode: Code.optional(),
  unit: text(20).default('pcs'),
  active: csvBool.default(true),
});
export const TerritoryImportRow = z.strictObject({
  code: Code,
  name: text(200),
  parentCode: Code.optional(),
  level: text(50).optional(),
  active: csvBool.default(true),
});

export const ImportBody = z.string().describe('text/csv with a header line, or application/x-ndjson (one JSON object per line)');
