export const analyticsSdl = /* GraphQL */ `
  enum AnalyticsStream {
    sell_in
    sell_through
    collection
  }
  enum TrendGroupBy {
    total
    partner
    partner_type
    territory
    product_line
    sale_territory
  }
  enum ShareGranularity {
    period
    month
  }
  enum RollupMetric {
    sales_amount
    quantity
    collection_amount
  }

  type TrendGroup {
    "partner id, partner type, home territory code, product line id or sale territory id; null: the total, or none"
    key: String
    code: String
    name: String
  }
  type TrendRow {
    group: TrendGroup!
    "YYYY-MM"
    month: String!
    amount: Decimal!
    quantity: Decimal!
    lines: Int!
    "the same month a year earlier (0 when none)"
    priorYearAmount: Decimal!
    changeAmount: Decimal!
    "change x 100 / |prior|, 2 decimals; null when the prior year is 0"
    changePct: Decimal
  }
  type SalesTrends {
    stream: AnalyticsStream!
    from: String!
    to: String!
    by: TrendGroupBy!
    data: [TrendRow!]!
  }

  type TerritoryShare {
    territoryId: ID!
    territoryCode: String!
    month: String
    partnerId: ID!
    partnerCode: String!
    amount: Decimal!
    territoryAmount: Decimal!
    "4 decimals, largest remainder: the shares of a territory sum to exactly 100"
    sharePct: Decimal
    rank: Int!
  }

  type ForecastMethod {
    name: String!
    seasonYears: Int!
    window: Int!
    description: String!
  }
  type MonthAmount {
    month: String!
    amount: Decimal!
  }
  type SeasonalIndex {
    calendarMonth: Int!
    index: Decimal!
  }
  type ForecastMonth {
    month: String!
    seasonal: Decimal!
    runRate: Decimal!
  }
  type SalesForecast {
    stream: AnalyticsStream!
    asOf: String!
    method: ForecastMethod!
    history: [MonthAmount!]!
    seasonalIndex: [SeasonalIndex!]!
    level: Decimal!
    runRate: Decimal!
    forecast: [ForecastMonth!]!
  }

  type RollupNode {
    nodeId: String!
    code: String
    name: String
    parentId: String
    depth: Int!
    partners: Int!
    ownActual: Decimal!
    actual: Decimal!
    target: Decimal
    achievementPct: Decimal
  }
  type Rollup {
    tree: String!
    period: String!
    metric: RollupMetric!
    from: Date!
    to: Date!
    unassigned: RollupNode
    data: [RollupNode!]!
  }

  extend type Query {
    "monthly totals by group with year-over-year (REST GET /v1/analytics/trends)"
    salesTrends(stream: AnalyticsStream = sell_through, from: String!, to: String!, by: TrendGroupBy = total, partnerType: String): SalesTrends!
    "each partner's share of its home territory (REST GET /v1/analytics/territory-share)"
    territoryShare(
      stream: AnalyticsStream = sell_through
      from: String!
      to: String!
      granularity: ShareGranularity = period
      territory: String
    ): [TerritoryShare!]!
    "seasonal forecast with the run-rate for comparison (REST GET /v1/analytics/forecast)"
    salesForecast(
      stream: AnalyticsStream = sell_through
      asOf: String!
      horizon: Int = 6
      seasonYears: Int = 2
      window: Int = 3
      partner: String
      partnerType: String
    ): SalesForecast!
    "actual, target and achievement rolled up a tree (REST GET /v1/analytics/rollup)"
    analyticsRollup(tree: String = "territory", period: String!, metric: RollupMetric = sales_amount): Rollup!
  }
`;
