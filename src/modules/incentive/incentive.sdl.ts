export const incentiveSdl = /* GraphQL */ `
  enum IncentiveProgramType {
    rebate
    target_bonus
    commission
    points
    recognition
    penalty
  }
  enum IncentiveGranularity {
    month
    quarter
    year
  }
  enum IncentiveProgramStatus {
    draft
    active
    closed
  }
  enum IncentiveStatementStatus {
    draft
    pending_approval
    approved
    paid
  }
  enum IncentiveLineKind {
    calculated
    adjustment
    manual
  }
  enum RebateLedgerKind {
    accrue
    release
    spend
    pay_out
    expire
  }
  enum RebateManualKind {
    release
    pay_out
    expire
  }

  type IncentiveProgram {
    id: ID!
    code: String!
    name: String!
    description: String
    type: IncentiveProgramType!
    granularity: IncentiveGranularity!
    currency: String!
    "{ metric, productLineIds? } (see IncentiveBase in OpenAPI)"
    base: JSON!
    "{ partnerTypes?, tiers?, regionCodes?, productLineIds? }"
    eligibility: JSON!
    "The rule set (see IncentiveRuleSet in OpenAPI): basis, mode, tiers, accelerators, caps, points, penalty, recognition"
    rules: JSON!
    "Rebate programs: the most of one order payable from the rebate account (null: no cap)"
    orderCap: RebateOrderCap
    status: IncentiveProgramStatus!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type IncentiveProgramConnection {
    edges: [IncentiveProgramEdge!]!
    nodes: [IncentiveProgram!]!
    pageInfo: PageInfo!
  }
  type IncentiveProgramEdge {
    cursor: String!
    node: IncentiveProgram!
  }

  type IncentiveStatementLine {
    id: ID!
    statementId: ID!
    partnerId: ID!
    period: String!
    programId: ID
    "The program of the line (batched)"
    program: IncentiveProgram
    runId: ID
    kind: IncentiveLineKind!
    amount: Decimal!
    reason: String
    "Machine-readable: base, target, tier reached, rate, formula, caps, source row counts"
    explanation: JSON
    createdAt: DateTime!
  }

  type IncentiveStatement {
    id: ID!
    partnerId: ID!
    period: String!
    unit: String!
    status: IncentiveStatementStatus!
    total: Decimal!
    paymentReference: String
    approvedBy: String
    approvedAt: DateTime
    paidBy: String
    paidAt: DateTime
    version: Int!
    "Lines (batched: one query for all statements of a result)"
    lines: [IncentiveStatementLine!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type IncentiveStatementConnection {
    edges: [IncentiveStatementEdge!]!
    nodes: [IncentiveStatement!]!
    pageInfo: PageInfo!
  }
  type IncentiveStatementEdge {
    cursor: String!
    node: IncentiveStatement!
  }

  type RebateOrderCap {
    "at most this % of the order total"
    maxPercent: Decimal
    "at most this amount (program currency) per order"
    maxAmount: Decimal
  }
  input RebateOrderCapInput {
    maxPercent: Decimal
    maxAmount: Decimal
  }

  type RebateBalance {
    partnerId: ID!
    currency: String!
    asOf: Date
    accrued: Decimal!
    available: Decimal!
    spent: Decimal!
    paidOut: Decimal!
    expired: Decimal!
    "Held for submitted orders (already out of available): released on cancel, spent on invoice"
    reserved: Decimal!
  }

  type RebateLedgerEntry {
    id: ID!
    partnerId: ID!
    entryDate: Date!
    kind: RebateLedgerKind!
    amount: Decimal!
    orderRef: String
    statementId: ID
    reason: String
    createdBy: String!
    createdAt: DateTime!
  }

  type RebateLedgerConnection {
    edges: [RebateLedgerEdge!]!
    nodes: [RebateLedgerEntry!]!
    pageInfo: PageInfo!
  }
  type RebateLedgerEdge {
    cursor: String!
    node: RebateLedgerEntry!
  }

  type RebateSpendResult {
    entry: RebateLedgerEntry!
    balance: RebateBalance!
    replayed: Boolean!
  }
  type RebateEntryResult {
    entry: RebateLedgerEntry!
    balance: RebateBalance!
  }

  type RecognitionAward {
    id: ID!
    partnerId: ID!
    programId: ID
    period: String!
    title: String!
    citation: String
    rank: Int
    basis: JSON
    grantedBy: String!
    createdAt: DateTime!
  }

  type RecognitionAwardConnection {
    edges: [RecognitionAwardEdge!]!
    nodes: [RecognitionAward!]!
    pageInfo: PageInfo!
  }
  type RecognitionAwardEdge {
    cursor: String!
    node: RecognitionAward!
  }

  type IncentiveRunStatementLines {
    calculated: Int!
    adjustments: Int!
    removedDraftLines: Int!
  }

  type IncentiveRun {
    "null for a dry run"
    id: ID
    programId: ID!
    programVersion: Int!
    period: String!
    periodStart: Date!
    periodEnd: Date!
    "sha256 of rules, eligibility, base and every partner input: same data, same hash"
    inputHash: String!
    unit: String!
    partnerCount: Int!
    total: Decimal!
    "total before the budget cap"
    requested: Decimal!
    prorated: Boolean!
    dryRun: Boolean!
    createdBy: String!
    createdAt: DateTime
    statementLines: IncentiveRunStatementLines
    awards: Int
    "Per-partner results by partner id (batched: one query for all runs of a result)"
    lines(first: Int = 100): [IncentiveRunLine!]!
  }

  type IncentiveRunLine {
    partnerId: ID!
    amount: Decimal!
    explanation: JSON!
  }
  type IncentiveRunResult {
    run: IncentiveRun!
    lines: [IncentiveRunLine!]
  }

  type IncentiveRunConnection {
    edges: [IncentiveRunEdge!]!
    nodes: [IncentiveRun!]!
    pageInfo: PageInfo!
  }
  type IncentiveRunEdge {
    cursor: String!
    node: IncentiveRun!
  }

  input CreateIncentiveProgramInput {
    code: String!
    name: String!
    description: String
    type: IncentiveProgramType!
    granularity: IncentiveGranularity!
    currency: String
    base: JSON
    eligibility: JSON
    rules: JSON!
    orderCap: RebateOrderCapInput
  }

  input UpdateIncentiveProgramInput {
    name: String
    description: String
    granularity: IncentiveGranularity
    currency: String
    base: JSON
    eligibility: JSON
    rules: JSON
    orderCap: RebateOrderCapInput
  }

  input IncentiveManualLineInput {
    partnerId: ID!
    period: String!
    amount: Decimal!
    reason: String!
    programId: ID
    unit: String
  }

  input RebateSpendInput {
    amount: Decimal!
    orderRef: String!
    orderAmount: Decimal
    maxPercent: Decimal
  }

  input GrantAwardInput {
    partnerId: ID!
    period: String!
    title: String!
    citation: String
    programId: ID
  }

  "How a partner's result changed between two runs"
  enum IncentiveRunDiffChange {
    added
    removed
    changed
  }

  "One partner whose amount or tier differs between the two runs (REST IncentiveRunDiff.changed[])"
  type IncentiveRunDiffLine {
    partnerId: ID!
    "amount in the compared run (against); null: the partner was not in it"
    before: Decimal
    "amount in this run; null: the partner is not in it"
    after: Decimal
    delta: Decimal!
    tierBefore: Int
    tierAfter: Int
    change: IncentiveRunDiffChange!
  }

  "Line-by-line comparison of two runs (REST IncentiveRunDiff)"
  type IncentiveRunDiff {
    run: ID!
    against: ID!
    "both runs read the same inputs (program version, period, facts)"
    sameInputs: Boolean!
    totalBefore: Decimal!
    totalAfter: Decimal!
    totalDelta: Decimal!
    changed: [IncentiveRunDiffLine!]!
  }

  "Where a partner stands now (REST IncentiveProjection.current)"
  type IncentiveProjectionCurrent {
    amount: Decimal!
    tierReached: Int
    "the calculation's explanation (free-form, as on a run line)"
    explanation: JSON!
  }

  "The next tier and what reaching it is worth (REST IncentiveProjection.nextTier)"
  type IncentiveProjectionNextTier {
    index: Int!
    threshold: Decimal!
    "base still missing"
    gap: Decimal!
    amountAtNext: Decimal!
    increase: Decimal!
  }

  "How far a partner is from the next tier (REST IncentiveProjection)"
  type IncentiveProjection {
    programId: ID!
    partnerId: ID!
    period: String!
    eligible: Boolean!
    base: Decimal
    target: Decimal
    current: IncentiveProjectionCurrent
    nextTier: IncentiveProjectionNextTier
  }

  "One partner's stored and simulated amounts (REST IncentiveSimulation.partners[])"
  type IncentiveSimulationPartner {
    partnerId: ID!
    stored: Decimal!
    simulated: Decimal!
    delta: Decimal!
  }

  "A changed rule set against a stored period (REST IncentiveSimulation)"
  type IncentiveSimulation {
    programId: ID!
    period: String!
    againstRun: ID
    storedTotal: Decimal!
    simulatedTotal: Decimal!
    delta: Decimal!
    prorated: Boolean!
    partners: [IncentiveSimulationPartner!]!
  }

  extend type Query {
    incentiveProgram(id: ID!): IncentiveProgram
    incentiveProgramByCode(code: String!): IncentiveProgram
    incentivePrograms(first: Int = 50, after: String, status: IncentiveProgramStatus, type: IncentiveProgramType): IncentiveProgramConnection!
    incentiveStatement(id: ID!): IncentiveStatement
    incentiveStatements(first: Int = 50, after: String, partnerId: ID, period: String, status: IncentiveStatementStatus): IncentiveStatementConnection!
    "asOf: end of that day; omitted: now"
    rebateBalance(partnerId: ID!, asOf: Date): RebateBalance
    "Ledger entries, newest first"
    rebateLedger(partnerId: ID!, first: Int = 50, after: String): RebateLedgerConnection!
    incentiveRun(id: ID!): IncentiveRun
    incentiveRuns(first: Int = 50, after: String, programId: ID, period: String): IncentiveRunConnection!
    "Line-by-line comparison of two runs"
    incentiveRunDiff(run: ID!, against: ID!): IncentiveRunDiff!
    "How far a partner is from the next tier; program: id or code"
    incentiveProjection(program: String!, partnerId: ID!, period: String): IncentiveProjection!
    recognitionAwards(first: Int = 50, after: String, partnerId: ID, period: String, programId: ID): RecognitionAwardConnection!
  }

  extend type Mutation {
    createIncentiveProgram(input: CreateIncentiveProgramInput!): IncentiveProgram!
    updateIncentiveProgram(id: ID!, input: UpdateIncentiveProgramInput!, version: Int): IncentiveProgram!
    activateIncentiveProgram(id: ID!): IncentiveProgram!
    closeIncentiveProgram(id: ID!): IncentiveProgram!
    addIncentiveManualLine(input: IncentiveManualLineInput!): IncentiveStatementLine!
    approveIncentiveStatement(id: ID!, version: Int): IncentiveStatement!
    payIncentiveStatement(id: ID!, paymentReference: String!, version: Int): IncentiveStatement!
    spendRebate(partnerId: ID!, input: RebateSpendInput!): RebateSpendResult!
    recordRebateEntry(partnerId: ID!, kind: RebateManualKind!, amount: Decimal!, reason: String!): RebateEntryResult!
    grantRecognitionAward(input: GrantAwardInput!): RecognitionAward!
    "Calculate a program for a period; program: id or code; dryRun stores nothing"
    runIncentiveProgram(program: String!, period: String!, dryRun: Boolean = false): IncentiveRunResult!
    "A changed rule set against a stored period; stores nothing. rules: the program's rule set (free-form, as in REST)"
    simulateIncentiveProgram(program: String!, rules: JSON!, period: String): IncentiveSimulation!
  }
`;
