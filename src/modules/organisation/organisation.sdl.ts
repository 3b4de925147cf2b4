export const organisationSdl = /* GraphQL */ `
  enum OrgUnitKind {
    region
    product_division
    team
  }
  enum StaffPost {
    account_manager
    regional_manager
    channel_director
    finance
    sales_rep
  }
  enum DataScope {
    all
    org_subtree
    portfolio
  }
  "fund_request and claim are reserved for the trade-funds module: policies can be defined, no module opens them yet"
  enum ApprovalKind {
    price_deviation
    credit_override
    fund_request
    claim
    statement
    tier_change
    order_override
    "an evaluation action's partner lifecycle change (measure amount: 1 suspend, 2 terminate)"
    lifecycle
  }
  enum ApprovalMeasure {
    pct
    amount
  }
  enum ApprovalStatus {
    pending
    approved
    rejected
  }
  enum ApprovalStepStatus {
    pending
    approved
    rejected
    skipped
  }
  "An org unit (销售组织): region, product division or team, in a tree"
  type OrgUnit {
    id: ID!
    code: String!
    name: String!
    kind: OrgUnitKind!
    parentId: ID
    parent: OrgUnit
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type OrgUnitEdge {
    cursor: String!
    node: OrgUnit!
  }
  type OrgUnitConnection {
    edges: [OrgUnitEdge!]!
    nodes: [OrgUnit!]!
    pageInfo: PageInfo!
  }
  "A staff member of the brand, linked to identity subjects (JWT sub, API key id)"
  type StaffMember {
    id: ID!
    code: String!
    name: String!
    email: String
    subjects: [String!]!
    post: StaffPost!
    orgUnitId: ID
    orgUnit: OrgUnit
    dataScope: DataScope!
    active: Boolean!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type StaffMemberEdge {
    cursor: String!
    node: StaffMember!
  }
  type StaffMemberConnection {
    edges: [StaffMemberEdge!]!
    nodes: [StaffMember!]!
    pageInfo: PageInfo!
  }
  "A period of a partner's ownership; validTo is exclusive, null while current"
  type PartnerOwnership {
    id: ID!
    partnerId: ID!
    orgUnitId: ID!
    orgUnit: OrgUnit
    accountManagerId: ID
    validFrom: Date!
    validTo: Date
    reason: String
    createdBy: String!
    createdAt: DateTime!
  }
  type PartnerOwnershipEdge {
    cursor: String!
    node: PartnerOwnership!
  }
  type PartnerOwnershipConnection {
    edges: [PartnerOwnershipEdge!]!
    nodes: [PartnerOwnership!]!
    pageInfo: PageInfo!
  }
  type ApprovalStepRule {
    post: StaffPost!
    over: Decimal
    inclusive: Boolean!
  }
  "The approval policy of a kind (审批权限): a chain of steps, each by a post above a threshold"
  type ApprovalPolicy {
    id: ID!
    kind: ApprovalKind!
    measure: ApprovalMeasure!
    steps: [ApprovalStepRule!]!
    note: String
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type ApprovalStep {
    seq: Int!
    post: StaffPost!
    status: ApprovalStepStatus!
    decidedBy: ID
    decidedBySubject: String
    decidedAt: DateTime
    note: String
  }
  type ApprovalRequest {
    id: ID!
    kind: ApprovalKind!
    ref: String!
    partnerId: ID
    amount: Decimal
    pct: Decimal
    status: ApprovalStatus!
    currentPost: StaffPost
    steps: [ApprovalStep!]!
    requestedBy: String!
    decidedAt: DateTime
    version: Int!
    createdAt: DateTime!
  }
  type ApprovalRequestEdge {
    cursor: String!
    node: ApprovalRequest!
  }
  type ApprovalRequestConnection {
    edges: [ApprovalRequestEdge!]!
    nodes: [ApprovalRequest!]!
    pageInfo: PageInfo!
  }
  input OrgUnitInput {
    code: String!
    name: String!
    kind: OrgUnitKind!
    "parent unit id or code"
    parent: String
  }
  input OrgUnitUpdateInput {
    code: String
    name: String
    kind: OrgUnitKind
    "null makes it a root"
    parent: String
    version: Int
  }
  input StaffMemberInput {
    code: String!
    name: String!
    email: String
    subjects: [String!]
    post: StaffPost!
    orgUnit: String
    dataScope: DataScope
    active: Boolean
  }
  input StaffMemberUpdateInput {
    code: String
    name: String
    email: String
    subjects: [String!]
    post: StaffPost
    orgUnit: String
    dataScope: DataScope
    active: Boolean
    version: Int
  }
  input OwnershipAssignInput {
    partner: String!
    orgUnit: String!
    accountManager: String
    validFrom: Date!
    reason: String
  }
  input ApprovalStepRuleInput {
    post: StaffPost!
    over: Decimal
    inclusive: Boolean
  }
  input ApprovalPolicyInput {
    measure: ApprovalMeasure!
    steps: [ApprovalStepRuleInput!]!
    note: String
    version: Int
  }
  input ApprovalRequestInput {
    kind: ApprovalKind!
    ref: String!
    partner: String
    amount: Decimal
    pct: Decimal
  }
  type OwnershipBulkResult {
    assigned: [PartnerOwnership!]!
  }
  extend type Query {
    "An org unit by id or code"
    orgUnit(id: ID!): OrgUnit
    orgUnits(first: Int = 50, after: String, kind: OrgUnitKind, parent: String): OrgUnitConnection!
    "A staff member by id or code"
    staffMember(id: ID!): StaffMember
    staffMembers(first: Int = 50, after: String, post: StaffPost, orgUnit: String): StaffMemberConnection!
    "The staff member the caller signs in as"
    myStaffMember: StaffMember
    "Current ownerships (on asOf) by org subtree or account manager; the caller's data scope applies"
    partnerOwnerships(first: Int = 50, after: String, orgUnit: String, accountManager: String, asOf: Date): PartnerOwnershipConnection!
    partnerOwnership(partner: String!, asOf: Date): PartnerOwnership
    partnerOwnershipHistory(partner: String!): [PartnerOwnership!]!
    approvalPolicies: [ApprovalPolicy!]!
    approvalPolicy(kind: ApprovalKind!): ApprovalPolicy
    approvalRequest(id: ID!): ApprovalRequest
    approvalRequests(first: Int = 50, after: String, kind: ApprovalKind, status: ApprovalStatus, mine: Boolean): ApprovalRequestConnection!
  }
  extend type Mutation {
    createOrgUnit(input: OrgUnitInput!): OrgUnit!
    updateOrgUnit(id: ID!, input: OrgUnitUpdateInput!): OrgUnit!
    createStaffMember(input: StaffMemberInput!): StaffMember!
    updateStaffMember(id: ID!, input: StaffMemberUpdateInput!): StaffMember!
    assignPartnerOwnership(input: OwnershipAssignInput!): PartnerOwnership!
    bulkAssignPartnerOwnership(items: [OwnershipAssignInput!]!): OwnershipBulkResult!
    putApprovalPolicy(kind: ApprovalKind!, input: ApprovalPolicyInput!): ApprovalPolicy!
    createApprovalRequest(input: ApprovalRequestInput!): ApprovalRequest!
    approveApprovalStep(id: ID!, note: String): ApprovalRequest!
    rejectApprovalStep(id: ID!, note: String): ApprovalRequest!
  }
`;
