import type { IResolvers, MercuriusContext } from 'mercurius';
import { argsInput, orNull, pageArgs, toConnection } from '../../platform/kernel/index.js';
import type { EvaluationServices } from './index.js';

type Ctx = MercuriusContext;

/** Action rules and early-warning rules over GraphQL, through the same services as REST. */
export function evaluationRuleDefsResolvers({ actions, warnings }: Pick<EvaluationServices, 'actions' | 'warnings'>): IResolvers {
  return {
    Query: {
      evaluationActionRules: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
        toConnection(await actions.pageActionRules(ctx.actor, pageArgs(a)), (r) => [r.code]),
      evaluationActionRule: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(actions.actionRuleById(ctx.actor, a.id)),
      evaluationActionRuleByCode: (_: unknown, a: { code: string }, ctx: Ctx) => orNull(actions.actionRuleByCode(ctx.actor, a.code)),
      earlyWarningRules: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
        toConnection(await warnings.pageRules(ctx.actor, pageArgs(a)), (r) => [r.code]),
      earlyWarningRule: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(warnings.ruleById(ctx.actor, a.id)),
      earlyWarningRuleByCode: (_: unknown, a: { code: string }, ctx: Ctx) => orNull(warnings.ruleByCode(ctx.actor, a.code)),
    },
    Mutation: {
      createEvaluationActionRule: (_: unknown, a: { input: object }, ctx: Ctx) => actions.createActionRule(ctx.actor, argsInput(a.input)),
      createEarlyWarningRule: (_: unknown, a: { input: object }, ctx: Ctx) => warnings.createRule(ctx.actor, argsInput(a.input)),
    },
  };
}
