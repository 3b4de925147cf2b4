/** GraphQL of the direct channel's rep targets and rep achievement (issue 17). */
export const repTargetSdl = /* GraphQL */ `
  enum RepTargetMetric {
    sales_amount
    quantity
  }

  type RepTarget {
    id: ID!
    "the staff member (post sales_rep)"
    repId: ID!
    period: String!
    periodStart: Date!
    periodEnd: Date!
    metric: RepTargetMetric!
    value: Decimal!
    note: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type RepTargetEdge {
    cursor: String!
    node: RepTarget!
  }
  type RepTargetConnection {
    edges: [RepTargetEdge!]!
    nodes: [RepTarget!]!
    pageInfo: PageInfo!
  }

  type RepAchievement {
    repId: ID!
    repCode: String!
    repName: String!
    orgUnitId: ID
    period: String!
    periodStart: Date!
    periodEnd: Date!
    metric: RepTargetMetric!
    target: Decimal
    "sell-through attributed to the rep in the period"
    actual: Decimal!
    "actual / target x 100, 2 decimals half-up"
    achievementPct: Decimal
    gap: Decimal
    "distinct partners the rep sold through in the period"
    partners: Int!
    rank: Int
  }
  type RepAchievementEdge {
    cursor: String!
    node: RepAchievement!
  }
  type RepAchievementConnection {
    edges: [RepAchievementEdge!]!
    nodes: [RepAchievement!]!
    pageInfo: PageInfo!
  }

  input CreateRepTargetInput {
    "the rep's staff id or code"
    rep: String!
    period: String!
    metric: RepTargetMetric!
    value: Decimal!
    note: String
  }
  input UpdateRepTargetInput {
    value: Decimal
    note: String
  }

  extend type StaffMember {
    "a sales rep's achievement (batched: one query for all staff members in a result; null for other posts)"
    repAchievement(period: String!, metric: RepTargetMetric = sales_amount): RepAchievement
  }

  extend type Query {
    repTarget(id: ID!): RepTarget
    repTargets(first: Int = 50, after: String, rep: String, period: String, metric: RepTargetMetric): RepTargetConnection!
    repAchievement(rep: String!, period: String!, metric: RepTargetMetric = sales_amount): RepAchievement
    "sales reps with a target or attributed sell-through in the period, ranked by achievement"
    repAchievements(period: String!, metric: RepTargetMetric = sales_amount, first: Int = 50, after: String): RepAchievementConnection!
  }

  extend type Mutation {
    createRepTarget(input: CreateRepTargetInput!): RepTarget!
    "version: the version you read; a stale one fails with VERSION_CONFLICT"
    updateRepTarget(id: ID!, input: UpdateRepTargetInput!, version: Int): RepTarget!
  }
`;
