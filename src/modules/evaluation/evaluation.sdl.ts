export const evaluationSdl = /* GraphQL */ `
  enum KpiDirection {
    higher
    lower
  }
  enum KpiSource {
    computed
    manual
  }
  enum KpiKind {
    target_achievement
    growth_yoy
    collection_rate
    inventory_days
    price_violations
    cross_region_violations
    training_completion
  }
  enum ScoringType {
    linear
    banded
  }
  enum EvaluationRunStatus {
    draft
    finalised
  }
  enum EvaluationActionType {
    tier_up
    tier_down
    warning
    renewal_recommended
    termination_review
    incentive_eligibility
  }
  enum EvaluationActionStatus {
    recommended
    pending_approval
    accepted
    dismissed
  }

  type ScoringBand {
    threshold: Decimal!
    score: Decimal!
  }

  "linear: floor and target (and cap); banded: bands (and otherwise)"
  type ScoringRule {
    type: ScoringType!
    floor: Decimal
    target: Decimal
    cap: Decimal
    bands: [ScoringBand!]
    otherwise: Decimal
  }

  type KpiDefinition {
    code: String!
    name: String!
    weight: Decimal!
    direction: KpiDirection!
    source: KpiSource!
    kind: KpiKind
    scoring: ScoringRule!
    defaultValue: Decimal
  }

  type GradeBand {
    grade: String!
    min: Decimal!
  }

  type ScorecardTemplateVersion {
    versionNo: Int!
    kpis: [KpiDefinition!]!
    gradeBands: [GradeBand!]!
    note: String
    "a run used this version: it can no longer change"
    used: Boolean!
    createdAt: DateTime!
  }

  type ScorecardTemplate {
    id: ID!
    code: String!
    name: String!
    latestVersion: Int!
    version: Int!
    current: ScorecardTemplateVersion!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type ScorecardTemplateEdge {
    cursor: String!
    node: ScorecardTemplate!
  }
  type ScorecardTemplateConnection {
    edges: [ScorecardTemplateEdge!]!
    nodes: [ScorecardTemplate!]!
    pageInfo: PageInfo!
  }

  input ScoringBandInput {
    threshold: Decimal!
    score: Decimal!
  }
  input ScoringRuleInput {
    type: ScoringType!
    floor: Decimal
    target: Decimal
    cap: Decimal
    bands: [ScoringBandInput!]
    otherwise: Decimal
  }
  input KpiDefinitionInput {
    code: String!
    name: String!
    weight: Decimal!
    direction: KpiDirection!
    source: KpiSource!
    kind: KpiKind
    scoring: ScoringRuleInput!
    defaultValue: Decimal
  }
  input GradeBandInput {
    grade: String!
    min: Decimal!
  }
  input CreateScorecardTemplateInput {
    code: String!
    name: String!
    kpis: [KpiDefinitionInput!]!
    gradeBands: [GradeBandInput!]!
    note: String
  }
  input UpdateScorecardTemplateInput {
    name: String
    kpis: [KpiDefinitionInput!]!
    gradeBands: [GradeBandInput!]!
    note: String
  }
  input ManualKpiValueInput {
    partnerId: ID
    partnerCode: String
    period: String!
    kpi: String!
    value: Decimal!
    note: String
  }
  input StartEvaluationRunInput {
    "template id or code"
    template: String!
    templateVersion: Int
    period: String!
    "partner ids or codes; default every active partner"
    partners: [String!]
    allowDefaults: Boolean
  }

  type EvaluationRun {
    id: ID!
    templateId: ID!
    templateCode: String!
    templateVersion: Int!
    period: String!
    periodStart: Date!
    periodEnd: Date!
    status: EvaluationRunStatus!
    allowDefaults: Boolean!
    partnerCount: Int!
    completeCount: Int!
    incompleteCount: Int!
    createdBy: String!
    createdAt: DateTime!
    finalisedAt: DateTime
    finalisedBy: String
    version: Int!
  }
  type EvaluationRunEdge {
    cursor: String!
    node: EvaluationRun!
  }
  type EvaluationRunConnection {
    edges: [EvaluationRunEdge!]!
    nodes: [EvaluationRun!]!
    pageInfo: PageInfo!
  }

  type EvaluationResultKpi {
    code: String!
    value: Decimal
    score: Decimal
    weight: Decimal!
    weighted: Decimal
    defaulted: Boolean!
  }

  type EvaluationResult {
    runId: ID!
    period: String!
    templateId: ID!
    templateVersion: Int!
    runStatus: EvaluationRunStatus!
    partnerId: ID!
    partnerCode: String!
    "false when a KPI value is missing: then neither graded nor ranked"
    complete: Boolean!
    missing: [String!]!
    total: Decimal
    grade: String
    "competition ranking (1,2,2,4) by total; ties listed by partner code"
    rank: Int
    kpis: [EvaluationResultKpi!]!
  }
  type EvaluationResultEdge {
    cursor: String!
    node: EvaluationResult!
  }
  type EvaluationResultConnection {
    edges: [EvaluationResultEdge!]!
    nodes: [EvaluationResult!]!
    pageInfo: PageInfo!
  }

  type EvaluationHistoryEntry {
    runId: ID!
    period: String!
    periodStart: Date!
    templateId: ID!
    templateCode: String!
    templateVersion: Int!
    total: Decimal
    grade: String
    rank: Int
    complete: Boolean!
    finalisedAt: DateTime
  }

  type EvaluationGradeHistory {
    period: String!
    grade: String
  }

  type EvaluationAction {
    id: ID!
    runId: ID!
    period: String!
    partnerId: ID!
    partnerCode: String!
    ruleId: ID!
    ruleCode: String!
    action: EvaluationActionType!
    status: EvaluationActionStatus!
    grade: String
    gradeHistory: [EvaluationGradeHistory!]!
    fromTier: String
    toTier: String
    "suspend or terminate: performed on the partner when accepted (termination_review rules)"
    lifecycleAction: String
    reason: String!
    decidedBy: String
    decidedAt: DateTime
    note: String
    createdAt: DateTime!
  }
  type EvaluationActionEdge {
    cursor: String!
    node: EvaluationAction!
  }
  type EvaluationActionConnection {
    edges: [EvaluationActionEdge!]!
    nodes: [EvaluationAction!]!
    pageInfo: PageInfo!
  }

  type EvaluationStanding {
    total: Decimal
    grade: String
    rank: Int
  }
  type EvaluationSimulationRow {
    partnerId: ID!
    partnerCode: String!
    before: EvaluationStanding!
    after: EvaluationStanding!
    gradeChanged: Boolean!
    rankChanged: Boolean!
    missing: [String!]!
  }
  type EvaluationSimulation {
    runId: ID!
    period: String!
    partners: Int!
    gradeChanges: Int!
    rankChanges: Int!
    results: [EvaluationSimulationRow!]!
  }

  enum WarningKind {
    achievement_behind_run_rate
    collections_overdue
    inventory_days_above
    new_violation
  }
  enum WarningStatus {
    open
    closed
  }
  type EarlyWarning {
    id: ID!
    ruleId: ID!
    ruleCode: String!
    kind: WarningKind!
    partnerId: ID!
    partnerCode: String!
    period: String!
    status: WarningStatus!
    value: Decimal
    threshold: Decimal!
    openedAt: DateTime!
    openedAsOf: Date!
    lastCheckedAt: DateTime!
    closedAt: DateTime
    closedAsOf: Date
  }
  type EarlyWarningEdge {
    cursor: String!
    node: EarlyWarning!
  }
  type EarlyWarningConnection {
    edges: [EarlyWarningEdge!]!
    nodes: [EarlyWarning!]!
    pageInfo: PageInfo!
  }
  type WarningCheckResult {
    period: String!
    asOf: Date!
    opened: [EarlyWarning!]!
    closed: [EarlyWarning!]!
    stillOpen: Int!
  }

  enum KpiAverageGroup {
    territory
    partner_type
  }
  type KpiAverage {
    group: String
    kpi: String!
    partners: Int!
    avgValue: Decimal
    avgScore: Decimal
  }
  type GradeCount {
    grade: String!
    count: Int!
    share: Decimal!
  }
  type GradeDistribution {
    runId: ID!
    period: String!
    grades: [GradeCount!]!
    incomplete: Int!
  }

  enum ProgramSegment {
    partner_type
    tier
    territory
  }
  enum PaidBasis {
    paid
    approved
  }
  type ProgramEffectivenessSide {
    partners: Int!
    paid: Decimal!
    coveredSales: Decimal!
    costToSalesPct: Decimal
  }
  type ProgramEffectivenessChange {
    paid: Decimal!
    coveredSales: Decimal!
    costToSalesPoints: Decimal
  }
  type ProgramEffectiveness {
    programId: ID!
    programCode: String!
    programName: String!
    currency: String!
    segment: String
    current: ProgramEffectivenessSide!
    priorYear: ProgramEffectivenessSide!
    change: ProgramEffectivenessChange!
  }

  extend type Partner {
    "the newest finalised evaluation result of the partner (batched)"
    latestEvaluation(template: String): EvaluationHistoryEntry
    "finalised evaluation results, newest period first (batched)"
    evaluationHistory(template: String): [EvaluationHistoryEntry!]!
  }

  extend type Query {
    scorecardTemplate(idOrCode: String!): ScorecardTemplate
    scorecardTemplates(first: Int = 50, after: String): ScorecardTemplateConnection!
    evaluationRun(id: ID!): EvaluationRun
    evaluationRuns(first: Int = 50, after: String, template: String, period: String, status: EvaluationRunStatus): EvaluationRunConnection!
    evaluationResults(run: ID!, first: Int = 50, after: String, grade: String, complete: Boolean): EvaluationResultConnection!
    evaluationActions(first: Int = 50, after: String, run: ID, partnerId: ID, status: EvaluationActionStatus): EvaluationActionConnection!
    "KPI averages of a run by territory (home region) or partner type"
    evaluationKpiAverages(run: ID!, by: KpiAverageGroup!): [KpiAverage!]!
    evaluationGradeDistribution(run: ID!): GradeDistribution!
    "per incentive program and partner segment: paid vs covered sales and the change against a year earlier"
    programEffectiveness(period: String!, segment: ProgramSegment = partner_type, include: PaidBasis = paid): [ProgramEffectiveness!]!
    earlyWarnings(first: Int = 50, after: String, status: WarningStatus, partnerId: ID, period: String): EarlyWarningConnection!
    "dry run of a changed template against a finalised run: nothing is stored"
    simulateEvaluation(run: ID!, kpis: [KpiDefinitionInput!], gradeBands: [GradeBandInput!]): EvaluationSimulation!
  }

  extend type Mutation {
    createScorecardTemplate(input: CreateScorecardTemplateInput!): ScorecardTemplate!
    "version: the template version you read; a stale one fails with VERSION_CONFLICT"
    updateScorecardTemplate(idOrCode: String!, input: UpdateScorecardTemplateInput!, version: Int): ScorecardTemplate!
    "upserts manual KPI values (all or nothing); answers how many were written"
    setManualKpiValues(values: [ManualKpiValueInput!]!): Int!
    startEvaluationRun(input: StartEvaluationRunInput!): EvaluationRun!
    finaliseEvaluationRun(id: ID!): EvaluationRun!
    acceptEvaluationAction(id: ID!, note: String): EvaluationAction!
    dismissEvaluationAction(id: ID!, note: String): EvaluationAction!
    "evaluates the early-warning rules now (default period: the quarter of asOf, default asOf: today)"
    checkEarlyWarnings(period: String, asOf: Date): WarningCheckResult!
  }
`;
