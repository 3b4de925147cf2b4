/**
 * Tier changes through the sales organisation's approval authority (审批权限), like orders.approvals.ts: accepting a
 * tier_up / tier_down action asks the engine (kind `tier_change`, measure `amount` = tiers moved down the rule's
 * ladder: 1 for a one-step downgrade, -1 for a one-step upgrade); when the tenant's policy has steps for it the action
 * waits in `pending_approval` for the chain (decided on `/v1/organisation/approval-requests/{id}/approve|reject`, or
 * by `:accept` / `:dismiss` on the action, which decide the current step). The final decision lands here, in the
 * deciding transaction: approved moves the partner's tier and accepts the action, rejected dismisses it.
 * Lifecycle actions (a termination_review rule's suspend / terminate) go the same way under kind `lifecycle`
 * (measure `amount` = severity: 1 suspend, 2 terminate); approved performs the onboarding transition.
 */
import type { ApprovalsPort } from '../organisation/contract.js';
import type { ActionService } from './evaluation.actions.js';

export function onTierChangeDecided(approvals: ApprovalsPort, actions: ActionService): void {
  approvals.onDecided('tier_change', (w, outcome) => actions.applyApprovalOutcome(w, outcome));
  // lifecycle actions (termination_review with suspend / terminate) the same way, kind `lifecycle` (measure: severity)
  approvals.onDecided('lifecycle', (w, outcome) => actions.applyApprovalOutcome(w, outcome));
}
