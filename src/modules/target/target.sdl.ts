export const targetSdl = /* GraphQL */ `
  enum TargetMetric {
    sales_amount
    quantity
    new_customers
    collection_amount
  }
  enum SalesBasis {
    sell_through
    sell_in
  }
  enum DecomposeInto {
    quarters
    months
  }
  enum AllocationBasis {
    weights
    last_year
  }

  type TargetSettings {
    "1 = calendar year; fiscal years are named by the calendar year they start in"
    fiscalYearStartMonth: Int!
    salesBasis: SalesBasis!
    version: Int!
  }

  type Target {
    id: ID!
    partnerId: ID!
    period: String!
    periodStart: Date!
    periodEnd: Date!
    metric: TargetMetric!
    productLineId: ID
    territoryId: ID
    value: Decimal!
    "the agreement this target is an appendix of"
    agreementId: ID
    note: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type TargetEdge {
    cursor: String!
    node: Target!
  }
  type TargetConnection {
    edges: [TargetEdge!]!
    nodes: [Target!]!
    pageInfo: PageInfo!
  }

  type AchievementMonth {
    "YYYY-MM"
    month: String!
    target: Decimal
    actual: Decimal!
    achievementPct: Decimal
  }

  type Achievement {
    partnerId: ID!
    partnerCode: String!
    partnerName: String!
    period: String!
    periodStart: Date!
    periodEnd: Date!
    metric: TargetMetric!
    asOf: Date!
    target: Decimal
    actual: Decimal!
    "actual / target x 100, rounded to 2 decimals half away from zero"
    achievementPct: Decimal
    "target - actual"
    gap: Decimal
    elapsedDays: Int!
    periodDays: Int!
    "linear run-rate to period end: actual / elapsedDays x periodDays"
    forecast: Decimal
    forecastPct: Decimal
    "position in the network view"
    rank: Int
    byMonth: [AchievementMonth!]
  }

  type AchievementEdge {
    cursor: String!
    node: Achievement!
  }
  type AchievementConnection {
    edges: [AchievementEdge!]!
    nodes: [Achievement!]!
    pageInfo: PageInfo!
  }

  type TargetPart {
    period: String!
    partnerId: ID
    value: Decimal!
    targetId: ID
  }
  type TargetSplit {
    period: String!
    metric: TargetMetric!
    total: Decimal!
    unit: Decimal!
    saved: Boolean!
    parts: [TargetPart!]!
  }

  type PeriodLock {
    period: String!
    periodStart: Date!
    periodEnd: Date!
    lockedBy: String!
    lockedAt: DateTime!
  }

  input TargetFilter {
    partnerId: ID
    period: String
    metric: TargetMetric
  }

  input CreateTargetInput {
    partnerId: ID!
    period: String!
    metric: TargetMetric!
    productLineId: ID
    territoryId: ID
    value: Decimal!
    agreementId: ID
    note: String
  }

  input UpdateTargetInput {
    value: Decimal
    agreementId: ID
    note: String
  }

  input DecomposeTargetInput {
    partnerId: ID!
    period: String!
    metric: TargetMetric!
    productLineId: ID
    territoryId: ID
    value: Decimal
    into: DecomposeInto
    weights: [Decimal!]
    unit: Decimal
    save: Boolean
  }

  input AllocationRecipient {
    partnerId: ID!
    weight: Decimal
  }

  input AllocateTargetInput {
    period: String!
    metric: TargetMetric!
    value: Decimal
    parentPartnerId: ID
    basis: AllocationBasis
    partners: [AllocationRecipient!]
    unit: Decimal
    save: Boolean
  }

  input TargetSettingsInput {
    fiscalYearStartMonth: Int
    salesBasis: SalesBasis
  }

  extend type Partner {
    "achievement for a period (batched: one query for all partners in a result)"
    achievement(period: String!, metric: TargetMetric = sales_amount, asOf: Date, productLineId: ID, territoryId: ID): Achievement
  }

  extend type Query {
    target(id: ID!): Target
    targets(first: Int = 50, after: String, filter: TargetFilter): TargetConnection!
    targetSettings: TargetSettings!
    "partners with a target or an actual in the period, ranked by achievement"
    networkAchievement(
      period: String!
      metric: TargetMetric = sales_amount
      asOf: Date
      productLineId: ID
      territoryId: ID
      first: Int = 50
      after: String
    ): AchievementConnection!
  }

  extend type Mutation {
    createTarget(input: CreateTargetInput!): Target!
    "version: the version you read; a stale one fails with VERSION_CONFLICT"
    updateTarget(id: ID!, input: UpdateTargetInput!, version: Int): Target!
    decomposeTarget(input: DecomposeTargetInput!): TargetSplit!
    allocateTarget(input: AllocateTargetInput!): TargetSplit!
    lockTargetPeriod(period: String!): PeriodLock!
    updateTargetSettings(input: TargetSettingsInput!): TargetSettings!
  }
`;
