/** GraphQL for the evaluation module's action rules and early-warning rules (REST: /v1/evaluations/action-rules, /warning-rules). */
export const evaluationRuleDefsSdl = /* GraphQL */ `
  type EvaluationKpiCondition {
    code: String!
    "lt | lte | gt | gte | eq"
    op: String!
    "as written"
    value: Decimal!
  }
  type EvaluationActionCondition {
    "the grade is one of these"
    grades: [String!]
    "... in this many consecutive finalised runs (default 1)"
    consecutive: Int
    kpi: EvaluationKpiCondition
  }
  "a rule mapping grades (optionally over consecutive periods) or a KPI condition to a recommended action"
  type EvaluationActionRule {
    id: ID!
    code: String!
    name: String!
    "null: every template"
    templateId: ID
    action: EvaluationActionType!
    condition: EvaluationActionCondition!
    "tier_up / tier_down: tiers lowest first"
    tierLadder: [String!]
    targetTier: String
    "termination_review: suspend or terminate, performed when a recommendation is accepted"
    lifecycleAction: String
    active: Boolean!
    createdAt: DateTime!
  }
  type EvaluationActionRuleEdge {
    cursor: String!
    node: EvaluationActionRule!
  }
  type EvaluationActionRuleConnection {
    edges: [EvaluationActionRuleEdge!]!
    nodes: [EvaluationActionRule!]!
    pageInfo: PageInfo!
  }
  input EvaluationKpiConditionInput {
    code: String!
    op: String!
    value: Decimal!
  }
  input EvaluationActionConditionInput {
    grades: [String!]
    consecutive: Int
    kpi: EvaluationKpiConditionInput
  }
  input CreateEvaluationActionRuleInput {
    code: String!
    name: String!
    "template id or code; default every template"
    template: String
    action: EvaluationActionType!
    condition: EvaluationActionConditionInput!
    tierLadder: [String!]
    targetTier: String
    "suspend | terminate (termination_review only)"
    lifecycleAction: String
  }

  "an early-warning rule: a threshold over live data during a period"
  type EarlyWarningRule {
    id: ID!
    code: String!
    name: String!
    kind: WarningKind!
    "as written"
    threshold: Decimal!
    "achievement_behind_run_rate: the share of the period that must have passed (as written, default 50)"
    minElapsedPct: Decimal!
    active: Boolean!
    createdAt: DateTime!
  }
  type EarlyWarningRuleEdge {
    cursor: String!
    node: EarlyWarningRule!
  }
  type EarlyWarningRuleConnection {
    edges: [EarlyWarningRuleEdge!]!
    nodes: [EarlyWarningRule!]!
    pageInfo: PageInfo!
  }
  input CreateEarlyWarningRuleInput {
    code: String!
    name: String!
    kind: WarningKind!
    threshold: Decimal!
    minElapsedPct: Decimal
  }

  extend type Query {
    "action rules by code"
    evaluationActionRules(first: Int = 50, after: String): EvaluationActionRuleConnection!
    evaluationActionRule(id: ID!): EvaluationActionRule
    evaluationActionRuleByCode(code: String!): EvaluationActionRule
    "early-warning rules by code"
    earlyWarningRules(first: Int = 50, after: String): EarlyWarningRuleConnection!
    earlyWarningRule(id: ID!): EarlyWarningRule
    earlyWarningRuleByCode(code: String!): EarlyWarningRule
  }

  extend type Mutation {
    createEvaluationActionRule(input: CreateEvaluationActionRuleInput!): EvaluationActionRule!
    createEarlyWarningRule(input: CreateEarlyWarningRuleInput!): EarlyWarningRule!
  }
`;
