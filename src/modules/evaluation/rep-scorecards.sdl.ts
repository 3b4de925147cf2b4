/** GraphQL of the rep scorecard (issue 17). */
export const repScorecardSdl = /* GraphQL */ `
  enum RepKpiKind {
    achievement
    sell_through_amount
    partners
    growth_yoy
  }

  type RepKpiDefinition {
    code: String!
    name: String!
    kind: RepKpiKind!
    weight: Decimal!
    direction: KpiDirection!
    scoring: ScoringRule!
    defaultValue: Decimal
  }
  type RepScorecardDefinition {
    kpis: [RepKpiDefinition!]!
    gradeBands: [GradeBand!]!
    note: String
    "0: the built-in default (nothing stored)"
    version: Int!
    isDefault: Boolean!
    updatedAt: DateTime
  }

  type RepScorecardKpi {
    code: String!
    name: String!
    kind: RepKpiKind!
    value: Decimal
    weight: Decimal!
    score: Decimal
    "points added to the total: score x weight / 100"
    weighted: Decimal
    defaulted: Boolean!
  }
  type RepScorecard {
    repId: ID!
    repCode: String!
    repName: String!
    orgUnitId: ID
    period: String!
    periodStart: Date!
    periodEnd: Date!
    definitionVersion: Int!
    sellThroughAmount: Decimal!
    previousYearAmount: Decimal!
    target: Decimal
    achievementPct: Decimal
    partners: Int!
    complete: Boolean!
    missing: [String!]!
    total: Decimal
    grade: String
    rank: Int
    kpis: [RepScorecardKpi!]!
  }
  type RepScorecardEdge {
    cursor: String!
    node: RepScorecard!
  }
  type RepScorecardConnection {
    edges: [RepScorecardEdge!]!
    nodes: [RepScorecard!]!
    pageInfo: PageInfo!
  }

  input RepKpiDefinitionInput {
    code: String!
    name: String!
    kind: RepKpiKind!
    weight: Decimal!
    "default higher"
    direction: KpiDirection
    scoring: ScoringRuleInput!
    defaultValue: Decimal
  }
  input RepScorecardDefinitionInput {
    kpis: [RepKpiDefinitionInput!]!
    gradeBands: [GradeBandInput!]!
    note: String
  }

  extend type Query {
    repScorecardDefinition: RepScorecardDefinition!
    "the sales reps the caller sees, ranked by total"
    repScorecards(period: String!, first: Int = 50, after: String): RepScorecardConnection!
    repScorecard(rep: String!, period: String!): RepScorecard
  }

  extend type Mutation {
    "version: the version you read (0 before one is stored); a stale one fails with VERSION_CONFLICT"
    putRepScorecardDefinition(input: RepScorecardDefinitionInput!, version: Int): RepScorecardDefinition!
  }
`;
