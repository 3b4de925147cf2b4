const connection = (name: string) => `
  type ${name}Edge { cursor: String! node: ${name}! }
  type ${name}Connection { edges: [${name}Edge!]! nodes: [${name}!]! pageInfo: PageInfo! }
`;

export const onboardingSdl = /* GraphQL */ `
  enum PartnerAction {
    review
    approve
    reject
    activate
    suspend
    reinstate
    terminate
  }
  enum ApplicationStatus {
    draft
    submitted
    under_review
    approved
    rejected
    withdrawn
  }
  enum AgreementStatus {
    draft
    scheduled
    active
    expired
    terminated
  }
  enum AgreementEndReason {
    expiry
    breach
    mutual
  }
  enum CheckResultValue {
    pass
    fail
    na
  }
  enum CrossRegionStatus {
    pending
    approved
    rejected
  }

  type PartnerStatusChange {
    id: ID!
    action: String!
    from: PartnerStatus
    to: PartnerStatus!
    reason: String
    "who made the change"
    subject: String!
    at: DateTime!
  }

  extend type Partner {
    "Lifecycle history, oldest first (batched)"
    history: [PartnerStatusChange!]!
    "Territories and authorised products valid on a date (default today), from the partner_territory_rights view"
    rights(date: Date): [TerritoryRight!]!
  }

  type ProductLine {
    id: ID!
    code: String!
    name: String!
    active: Boolean!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type Product {
    id: ID!
    code: String!
    name: String!
    lineId: ID
    "batched"
    line: ProductLine
    unit: String!
    active: Boolean!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type Territory {
    id: ID!
    code: String!
    name: String!
    parentId: ID
    level: String
    active: Boolean!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "batched"
    parent: Territory
    "batched"
    children: [Territory!]!
  }
  ${connection('ProductLine')}
  ${connection('Product')}
  ${connection('Territory')}

  type ApplicationDocument {
    name: String!
    kind: String!
    url: String
    storageKey: String
    sha256: String
    expiresOn: Date
  }
  type Application {
    id: ID!
    status: ApplicationStatus!
    partnerCode: String!
    legalName: String!
    partnerType: PartnerType!
    channel: PartnerChannel!
    contactName: String
    contactEmail: String
    contactPhone: String
    address: JSON
    requestedTerritoryIds: [ID!]!
    requestedProductLineIds: [ID!]!
    capabilities: JSON!
    documents: [ApplicationDocument!]!
    submittedBy: String!
    submittedAt: DateTime
    decidedBy: String
    decidedAt: DateTime
    decisionReason: String
    partnerId: ID
    agreementId: ID
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  ${connection('Application')}

  type ChecklistLine {
    kind: String!
    name: String!
    required: Boolean!
    result: CheckResultValue
    note: String
    reviewer: String
    reviewedOn: Date
  }
  type ScoreLine {
    criterion: String!
    weight: Decimal!
    score: Decimal
    weighted: Decimal
  }
  type ScoreSummary {
    total: Decimal
    minScore: Decimal
    meetsMinimum: Boolean!
    missingCriteria: [String!]!
    breakdown: [ScoreLine!]!
  }
  type ApplicationAssessment {
    applicationId: ID!
    status: ApplicationStatus!
    checklist: [ChecklistLine!]!
    missingItems: [String!]!
    failedItems: [String!]!
    score: ScoreSummary!
    approvable: Boolean!
  }
  type ChecklistItemKind {
    id: ID!
    code: String!
    name: String!
    required: Boolean!
    active: Boolean!
    version: Int!
  }
  type ScreeningCriterion {
    code: String!
    name: String!
    weight: Decimal!
  }
  type Screening {
    criteria: [ScreeningCriterion!]!
    minScore: Decimal
  }
  type ApprovalResult {
    application: Application!
    partner: Partner!
    agreement: Agreement!
  }

  type AgreementTerritory {
    territoryId: ID!
    productLineId: ID
    exclusive: Boolean!
    "batched"
    territory: Territory
    "batched"
    productLine: ProductLine
  }
  type AgreementProduct {
    productId: ID
    productLineId: ID
    "batched"
    product: Product
    "batched"
    productLine: ProductLine
  }
  type Agreement {
    id: ID!
    number: String!
    partnerId: ID!
    "batched"
    partner: Partner
    status: AgreementStatus!
    startDate: Date!
    endDate: Date!
    policyRef: String
    note: String
    applicationId: ID
    renewalOfId: ID
    activatedAt: DateTime
    endReason: AgreementEndReason
    endedOn: Date
    endNote: String
    "batched"
    territories: [AgreementTerritory!]!
    "batched"
    products: [AgreementProduct!]!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  ${connection('Agreement')}

  type CrossRegionRequest {
    id: ID!
    partnerId: ID!
    "batched"
    partner: Partner
    territoryId: ID!
    "batched"
    territory: Territory
    productLineId: ID
    productId: ID
    validFrom: Date!
    validTo: Date!
    reason: String!
    status: CrossRegionStatus!
    requestedBy: String!
    decidedBy: String
    decidedAt: DateTime
    decisionNote: String
    version: Int!
    createdAt: DateTime!
  }
  ${connection('CrossRegionRequest')}

  type TerritoryRight {
    territoryId: ID!
    territoryCode: String!
    productLineId: ID
    productLineCode: String
    productId: ID
    productCode: String
    validFrom: Date
    validTo: Date
    source: String!
  }
  type AuthorizationCheck {
    allowed: Boolean!
    code: String!
    reason: String!
    partnerId: ID
    productId: ID
    territoryId: ID
    date: Date!
  }

  input CatalogFilter {
    q: String
    active: Boolean
  }
  input ProductFilter {
    q: String
    active: Boolean
    lineId: ID
  }
  input TerritoryFilter {
    q: String
    active: Boolean
    parentId: ID
    level: String
    root: Boolean
  }
  input AgreementFilter {
    partnerId: ID
    status: AgreementStatus
    expiringWithinDays: Int
  }
  input CrossRegionFilter {
    partnerId: ID
    status: CrossRegionStatus
  }

  input ProductLineInput {
    code: String
    name: String
    active: Boolean
  }
  input ProductInput {
    code: String
    name: String
    lineId: ID
    lineCode: String
    unit: String
    active: Boolean
  }
  input TerritoryInput {
    code: String
    name: String
    parentId: ID
    level: String
    active: Boolean
  }
  input ApplicationDocumentInput {
    name: String!
    kind: String!
    url: String
    storageKey: String
    sha256: String
    expiresOn: Date
  }
  input ApplicationInput {
    partnerCode: String
    legalName: String
    partnerType: PartnerType
    channel: PartnerChannel
    contactName: String
    contactEmail: String
    contactPhone: String
    address: AddressInput
    requestedTerritoryIds: [ID!]
    requestedProductLineIds: [ID!]
    capabilities: JSON
    documents: [ApplicationDocumentInput!]
  }
  input CheckItemInput {
    kind: String!
    result: CheckResultValue!
    note: String
    reviewedOn: Date
  }
  input ScoreInput {
    criterion: String!
    score: Decimal!
    note: String
  }
  input CriterionInput {
    code: String!
    name: String!
    weight: Decimal!
  }
  input ApprovalAgreementInput {
    number: String
    startDate: Date
    endDate: Date
    policyRef: String
  }
  input TerritoryAssignmentInput {
    territoryId: ID!
    productLineId: ID
    exclusive: Boolean
  }
  input ProductAuthorizationInput {
    productId: ID
    productLineId: ID
  }
  input AgreementInput {
    number: String
    partnerId: ID
    startDate: Date
    endDate: Date
    policyRef: String
    note: String
    territories: [TerritoryAssignmentInput!]
    products: [ProductAuthorizationInput!]
  }
  input CrossRegionInput {
    partnerId: ID
    territoryId: ID!
    productLineId: ID
    productId: ID
    validFrom: Date!
    validTo: Date!
    reason: String!
  }

  extend type Query {
    productLine(id: ID!): ProductLine
    productLines(first: Int = 50, after: String, filter: CatalogFilter): ProductLineConnection!
    product(id: ID!): Product
    products(first: Int = 50, after: String, filter: ProductFilter): ProductConnection!
    territory(id: ID!): Territory
    territories(first: Int = 50, after: String, filter: TerritoryFilter): TerritoryConnection!
    application(id: ID!): Application
    applications(first: Int = 50, after: String, status: ApplicationStatus): ApplicationConnection!
    applicationAssessment(id: ID!): ApplicationAssessment!
    checklistItemKinds: [ChecklistItemKind!]!
    "a checklist item kind by the tenant's code (REST GET /v1/onboarding/checklist-items/by-code/{code})"
    checklistItemKindByCode(code: String!): ChecklistItemKind
    screening: Screening!
    agreement(id: ID!): Agreement
    agreements(first: Int = 50, after: String, filter: AgreementFilter): AgreementConnection!
    crossRegionRequest(id: ID!): CrossRegionRequest
    crossRegionRequests(first: Int = 50, after: String, filter: CrossRegionFilter): CrossRegionRequestConnection!
    "May the partner sell the product in the territory on the date? Ids or codes."
    authorizationCheck(partner: String!, product: String!, territory: String!, date: Date): AuthorizationCheck!
  }

  type TerritorySeedResult {
    depth: String!
    created: Int!
    existing: Int!
  }
  extend type Mutation {
    "Lifecycle action with a reason; ILLEGAL_TRANSITION lists the allowed actions in extensions.allowed"
    transitionPartner(id: ID!, action: PartnerAction!, reason: String): Partner!
    createProductLine(input: ProductLineInput!): ProductLine!
    updateProductLine(id: ID!, input: ProductLineInput!, version: Int): ProductLine!
    createProduct(input: ProductInput!): Product!
    updateProduct(id: ID!, input: ProductInput!, version: Int): Product!
    createTerritory(input: TerritoryInput!): Territory!
    "Seed the national administrative divisions (GB/T 2260) down to depth: province | city | district; idempotent"
    seedTerritoryDivisions(depth: String = "district"): TerritorySeedResult!
    updateTerritory(id: ID!, input: TerritoryInput!, version: Int): Territory!
    createApplication(input: ApplicationInput!, submit: Boolean): Application!
    updateApplication(id: ID!, input: ApplicationInput!, version: Int): Application!
    submitApplication(id: ID!): Application!
    withdrawApplication(id: ID!, reason: String): Application!
    startApplicationReview(id: ID!): Application!
    recordApplicationChecks(id: ID!, items: [CheckItemInput!]!): ApplicationAssessment!
    recordApplicationScores(id: ID!, scores: [ScoreInput!]!): ApplicationAssessment!
    approveApplication(id: ID!, reason: String, agreement: ApprovalAgreementInput): ApprovalResult!
    rejectApplication(id: ID!, reason: String!): Application!
    createChecklistItemKind(code: String!, name: String!, required: Boolean): ChecklistItemKind!
    setScreening(criteria: [CriterionInput!]!, minScore: Decimal): Screening!
    createAgreement(input: AgreementInput!): Agreement!
    updateAgreement(id: ID!, input: AgreementInput!, version: Int): Agreement!
    activateAgreement(id: ID!): Agreement!
    terminateAgreement(id: ID!, reason: AgreementEndReason!, date: Date, note: String): Agreement!
    renewAgreement(id: ID!, endDate: Date!, startDate: Date, number: String): Agreement!
    createCrossRegionRequest(input: CrossRegionInput!): CrossRegionRequest!
    approveCrossRegionRequest(id: ID!, note: String): CrossRegionRequest!
    rejectCrossRegionRequest(id: ID!, note: String): CrossRegionRequest!
  }
`;
