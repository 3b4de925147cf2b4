import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Address, PartnerChannel, PartnerStatus, PartnerType } from './partners.schemas.js';

export const partners = pgTable(
  'partners',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    legalName: text('legal_name').notNull(),
    type: text('type').$type<PartnerType>().notNull(),
    channel: text('channel').$type<PartnerChannel>().notNull().default('offline'),
    parentId: uuid('parent_id'),
    tier: text('tier'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    address: jsonb('address').$type<Address>(),
    regionCode: text('region_code'),
    status: text('status').$type<PartnerStatus>().notNull().default('applicant'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('partners_code_uq').on(t.tenantId, t.code),
    index('partners_parent_idx').on(t.tenantId, t.parentId),
    index('partners_status_idx').on(t.tenantId, t.status, t.id),
    foreignKey({ name: 'partners_parent_fk', columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }),
    check('partners_type_ck', sql`${t.type} in ('distributor','wholesaler','dealer','agent','retailer')`),
    check('partners_channel_ck', sql`${t.channel} in ('online','offline','both')`),
    check('partners_status_ck', sql`${t.status} in ('applicant','under_review','approved','active','suspended','terminated','rejected')`),
    check('partners_not_own_parent_ck', sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
  ],
);

export type PartnerRow = typeof partners.$inferSelect;
