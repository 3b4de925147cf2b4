/**
 * Statement approvals through the sales organisation's approval authority (审批权限), like orders.approvals.ts:
 * `POST /statements/{id}/approve` on a draft asks the engine (kind `statement`, measured by the statement's total
 * in its unit); when the tenant's policy has steps for that amount the statement waits in `pending_approval` for the
 * chain, decided on `/v1/organisation/approval-requests/{id}/approve|reject` (or `/statements/{id}/approve`, which
 * decides the current step) by the required posts. The final decision lands here, in the deciding transaction:
 * approved completes the approval (accrual, `statement.approved`), rejected returns the statement to `draft`.
 */
import type { ApprovalsPort } from '../organisation/contract.js';
import type { StatementService } from './statements.service.js';

export function onStatementDecided(approvals: ApprovalsPort, statements: StatementService): void {
  approvals.onDecided('statement', (w, outcome) => statements.applyApprovalOutcome(w, outcome));
}
