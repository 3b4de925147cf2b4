/**
 * Overrides of credit and quota refusals through the sales organisation's approval authority (审批权限): an actor
 * with `orders:approve` files the override; when the tenant has an approval policy for the kind (`credit_override`
 * over credit, `order_override` over quota) whose steps apply to the order's amount, the order waits in `submitted`
 * for the chain (regional manager, channel director, finance...) and is approved by the last step's decision;
 * without such a policy the override approves at once, as before.
 */
import { requireScope, requireTenantUser } from '../../platform/kernel/index.js';
import type { ApprovalsPort } from '../organisation/contract.js';
import type { OrderApprovalGate } from './contract.js';
import type { OrderService } from './orders.service.js';

export function approvalPolicyGate(approvals: ApprovalsPort): OrderApprovalGate {
  return {
    request: async (w, actor, req) => {
      requireTenantUser(actor);
      requireScope(actor, 'orders:approve');
      const answer = await approvals.request(w, actor, { kind: req.kind, ref: req.orderId, partnerId: req.partnerId, amount: req.amount });
      return answer.status === 'not_required' ? 'approved' : 'pending';
    },
  };
}

/** The approval engine tells the orders module when an override's request is finally decided. */
export function onOverrideDecided(approvals: ApprovalsPort, orders: OrderService): void {
  for (const kind of ['credit_override', 'order_override'] as const) approvals.onDecided(kind, (w, outcome) => orders.applyOverrideDecision(w, outcome));
}
