import { DomainError } from '../../platform/errors.js';
import { Dec, formatMoney } from '../../platform/kernel/index.js';
import type { Line } from './incentive.rules.js';
import type { RunRow } from './incentive.tables.js';

/** What a calculation run answers: the run and its lines. */

export interface Run {
  id: string | null;
  programId: string;
  programVersion: number;
  period: string;
  periodStart: string;
  periodEnd: string;
  inputHash: string;
  unit: string;
  partnerCount: number;
  total: string;
  requested: string;
  prorated: boolean;
  dryRun: boolean;
  createdBy: string;
  createdAt: string | null;
  /** statement lines written (stored runs): calculated + adjustment lines */
  statementLines?: { calculated: number; adjustments: number; removedDraftLines: number } | undefined;
  awards?: number | undefined;
}

export interface RunLine {
  partnerId: string;
  amount: string;
  explanation: Record<string, unknown>;
}

export const toRun = (r: RunRow): Run => ({
  id: r.id,
  programId: r.programId,
  programVersion: r.programVersion,
  period: r.period,
  periodStart: r.periodStart,
  periodEnd: r.periodEnd,
  inputHash: r.inputHash,
  unit: r.unit,
  partnerCount: r.partnerCount,
  total: formatMoney(new Dec(r.total), r.unit),
  requested: formatMoney(new Dec(r.requested), r.unit),
  prorated: r.prorated === 1,
  dryRun: false,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
});

/** numeric(18,4) holds less than 10^14: an amount beyond it is refused by name, not as a database range error. */
const STORABLE = new Dec('1e14');
export function assertStorable(result: { total: string; requested: string; lines: Line[] }): void {
  const big = result.lines.filter((l) => new Dec(l.amount).abs().gte(STORABLE));
  if (!big.length && new Dec(result.total).abs().lt(STORABLE) && new Dec(result.requested).abs().lt(STORABLE)) return;
  throw new DomainError(
    'UNPROCESSABLE',
    'A computed amount is too large to store (numeric(18,4): at most 14 integer digits); check the rules (rate, pointsPerUnit)',
    {
      errors: big.length
        ? big.slice(0, 100).map((l) => ({ path: `lines.${l.partnerId}.amount`, message: `${l.amount} has more than 14 integer digits` }))
        : [{ path: 'total', message: `${result.requested} has more than 14 integer digits` }],
    },
  );
}
