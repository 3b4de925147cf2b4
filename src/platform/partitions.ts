import { sql } from 'drizzle-orm';
import type { Database } from './db.js';

/**
 * The tables partitioned by range on a time column, one partition per calendar month (UTC) plus a DEFAULT partition
 * (migrations/platform/0002, migrations/integration/0002): the growing ones, which retention empties by dropping
 * whole months. A month's partition is named `<table>_yYYYYmMM`; DEFAULT is `<table>_default`.
 */
export const MONTHLY_PARTITIONED = [
  { table: 'events', column: 'occurred_at' },
  { table: 'audit_log', column: 'occurred_at' },
  { table: 'webhook_deliveries', column: 'created_at' },
] as const;

export type PartitionedTable = (typeof MONTHLY_PARTITIONED)[number]['table'];

/** Months ahead of the current one whose partitions exist (created at every migrate and by the retention job). */
export const PARTITION_MONTHS_AHEAD = 3;

export interface MonthPartition {
  /** the partition's table name (`events_y2026m11`) */
  name: string;
  /** inclusive lower bound */
  from: Date;
  /** exclusive upper bound */
  to: Date;
}

/**
 * Creates the partitions of the current month and the `monthsAhead` next ones (UTC) of every monthly partitioned
 * table, when missing, so that the first row of a new month lands in its own partition, never in DEFAULT (rows of
 * such a month already in DEFAULT move into the new partition). Idempotent, one statement; safe in several
 * processes at once (a partition another session is creating is skipped). Returns the number created.
 */
export async function ensureMonthlyPartitions(database: Database, now: Date = new Date(), monthsAhead = PARTITION_MONTHS_AHEAD): Promise<number> {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead, 1)).toISOString();
  const calls = sql.join(
    MONTHLY_PARTITIONED.map(({ table }) => sql`ensure_monthly_partitions(${table}::regclass, ${first}::timestamptz, ${last}::timestamptz)`),
    sql` + `,
  );
  const [row] = await database.rows<{ n: number }>(sql`select (${calls})::int as n`);
  return Number(row?.n ?? 0);
}

/**
 * The month partitions of a table (DEFAULT excluded), oldest first, with their bounds read from the catalog
 * (pg_get_expr of the partition bound): `FOR VALUES FROM ('…') TO ('…')`.
 */
export async function monthPartitions(database: Database, table: PartitionedTable): Promise<MonthPartition[]> {
  const rows = await database.rows<{ name: string; lo: string | Date; hi: string | Date }>(
    sql`select name, b[1]::timestamptz as lo, b[2]::timestamptz as hi
        from (select c.relname as name, regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') as b
              from pg_inherits i join pg_class c on c.oid = i.inhrelid
              where i.inhparent = ${table}::regclass) p
        where b is not null
        order by 2`,
  );
  return rows.map((r) => ({ name: r.name, from: new Date(r.lo), to: new Date(r.hi) }));
}
