export const policySdl = /* GraphQL */ `
  enum PolicyScopeKind {
    partner
    tier
    partner_type
    channel
    default
  }
  enum PolicyVersionStatus {
    draft
    published
    retired
  }
  enum SaleChannel {
    online
    offline
  }
  enum PriceLevel {
    product
    product_line
  }
  enum DeviationKind {
    below_min_resale
    above_list
  }
  enum DeviationStatus {
    pending
    approved
    rejected
  }
  enum CrossRegionSelling {
    forbidden
    allowed_with_request
  }

  type PolicyScope {
    kind: PolicyScopeKind!
    value: String
  }
  input PolicyScopeInput {
    kind: PolicyScopeKind!
    value: String
  }

  type PricePolicy {
    id: ID!
    code: String!
    name: String!
    currency: String!
    scope: PolicyScope!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "All versions by number (batched: one query for all policies in a result)"
    versions: [PriceVersion!]!
  }

  type PriceVersion {
    id: ID!
    policyId: ID!
    number: Int!
    status: PolicyVersionStatus!
    effectiveFrom: Date
    effectiveTo: Date
    "Volume and payment-term rules (see docs/policy.md)"
    discountRules: JSON!
    note: String
    copiedFromId: ID
    publishedAt: DateTime
    retiredAt: DateTime
    lineCount: Int!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type PricePolicyEdge {
    cursor: String!
    node: PricePolicy!
  }
  type PricePolicyConnection {
    edges: [PricePolicyEdge!]!
    nodes: [PricePolicy!]!
    pageInfo: PageInfo!
  }

  input CreatePricePolicyInput {
    code: String!
    name: String!
    currency: String!
    scope: PolicyScopeInput!
  }
  input CreatePriceVersionInput {
    copyFrom: ID
    effectiveFrom: Date
    effectiveTo: Date
    discountRules: JSON
    note: String
  }
  input UpdatePriceVersionInput {
    effectiveFrom: Date
    effectiveTo: Date
    discountRules: JSON
    note: String
    version: Int
  }
  input PriceLineInput {
    product: String
    productLine: String
    distributionPrice: Decimal!
    suggestedRetailPrice: Decimal!
    minResalePrice: Decimal
  }
  type PriceLinesResult {
    created: Int!
    updated: Int!
    unchanged: Int!
  }

  type DiscountStep {
    rule: String!
    basis: String!
    ratePercent: Decimal!
    base: Decimal!
    amount: Decimal!
  }
  type PriceSource {
    policyId: ID!
    policyCode: String!
    policyName: String!
    versionId: ID!
    versionNumber: Int!
    scope: PolicyScope!
    level: PriceLevel!
    priceLineId: ID!
    effectiveFrom: Date!
    effectiveTo: Date
    reason: String!
  }
  type PriceCandidate {
    versionId: ID!
    policyCode: String!
    versionNumber: Int!
    scope: PolicyScope!
    level: PriceLevel!
    effectiveFrom: Date!
    effectiveTo: Date
    currency: String!
    "what this candidate would have charged per unit"
    distributionPrice: Decimal!
    suggestedRetailPrice: Decimal!
    minResalePrice: Decimal
    "less_specific | superseded_version | not_in_force"
    lost: String!
  }
  type AppliedDeviation {
    id: ID!
    kind: DeviationKind!
    price: Decimal!
    validFrom: Date!
    validTo: Date!
  }
  "where a price's discount rules come from: price_version (the winning version's own) or channel_terms"
  type DiscountSource {
    kind: String!
    termsId: ID
    scope: PolicyScope
  }
  type ResolvedPrice {
    product: String!
    productId: ID
    quantity: Decimal!
    "priced | unpriced | unknown_product"
    status: String!
    message: String
    currency: String
    distributionPrice: Decimal
    suggestedRetailPrice: Decimal
    minResalePrice: Decimal
    grossAmount: Decimal
    discounts: [DiscountStep!]!
    netAmount: Decimal
    netUnitPrice: Decimal
    discountSource: DiscountSource
    source: PriceSource
    passedOver: [PriceCandidate!]!
    deviation: AppliedDeviation
  }
  type ResolvedPartner {
    id: ID!
    code: String!
    type: String!
    channel: String!
    tier: String
  }
  type ResolvePricesResult {
    partner: ResolvedPartner!
    date: Date!
    paymentTermDays: Int
    lines: [ResolvedPrice!]!
  }
  input ResolveLineInput {
    product: String!
    quantity: Decimal
  }
  input ResolvePricesInput {
    partner: String!
    date: Date
    paymentTermDays: Int
    channel: SaleChannel
    lines: [ResolveLineInput!]!
  }

  type PriceDeviation {
    id: ID!
    partnerId: ID!
    productId: ID!
    productCode: String!
    kind: DeviationKind!
    price: Decimal!
    validFrom: Date!
    validTo: Date!
    reason: String!
    status: DeviationStatus!
    requestedBy: String!
    decidedBy: String
    decidedAt: DateTime
    decisionNote: String
    version: Int!
    createdAt: DateTime!
  }
  type PriceDeviationEdge {
    cursor: String!
    node: PriceDeviation!
  }
  type PriceDeviationConnection {
    edges: [PriceDeviationEdge!]!
    nodes: [PriceDeviation!]!
    pageInfo: PageInfo!
  }
  input RequestPriceDeviationInput {
    partner: String
    product: String!
    price: Decimal!
    validFrom: Date!
    validTo: Date!
    reason: String!
  }

  type ChannelTerms {
    id: ID!
    name: String!
    scope: PolicyScope!
    status: PolicyVersionStatus!
    effectiveFrom: Date
    effectiveTo: Date
    returnWindowDays: Int
    returnConditions: String
    creditLimit: Decimal
    creditCurrency: String
    paymentTermsDays: Int
    territoryExclusivity: Boolean
    crossRegionSelling: CrossRegionSelling
    "discount rules of this scope, applied whichever price scope wins unless the winning price version has its own"
    discountRules: JSON
    copiedFromId: ID
    publishedAt: DateTime
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  input ChannelTermsInput {
    name: String
    scope: PolicyScopeInput
    copyFrom: ID
    effectiveFrom: Date
    effectiveTo: Date
    returnWindowDays: Int
    returnConditions: String
    creditLimit: Decimal
    creditCurrency: String
    paymentTermsDays: Int
    territoryExclusivity: Boolean
    crossRegionSelling: CrossRegionSelling
    discountRules: JSON
    version: Int
  }
  type TermInt {
    value: Int
    scope: PolicyScope
    termsId: ID
  }
  type TermString {
    value: String
    scope: PolicyScope
    termsId: ID
  }
  type TermDecimal {
    value: Decimal
    scope: PolicyScope
    termsId: ID
  }
  type TermJSON {
    value: JSON
    scope: PolicyScope
    termsId: ID
  }
  type TermBoolean {
    value: Boolean
    scope: PolicyScope
    termsId: ID
  }
  type ResolvedTerms {
    partnerId: ID!
    date: Date!
    returnWindowDays: TermInt!
    returnConditions: TermString!
    creditLimit: TermDecimal!
    creditCurrency: TermString!
    paymentTermsDays: TermInt!
    territoryExclusivity: TermBoolean!
    crossRegionSelling: TermString!
    discountRules: TermJSON!
  }

  type PriceObservation {
    id: ID!
    partnerId: ID!
    productId: ID!
    productCode: String!
    date: Date!
    price: Decimal!
    currency: String
    source: String!
    reference: String
    minResalePrice: Decimal
    priceVersionId: ID
    deviationId: ID
    isViolation: Boolean!
    shortfall: Decimal
    createdAt: DateTime!
  }
  type PriceObservationEdge {
    cursor: String!
    node: PriceObservation!
  }
  type PriceObservationConnection {
    edges: [PriceObservationEdge!]!
    nodes: [PriceObservation!]!
    pageInfo: PageInfo!
  }
  input RecordPriceObservationInput {
    partner: String!
    product: String!
    date: Date!
    price: Decimal!
    source: String!
    reference: String
  }

  extend type Query {
    pricePolicy(id: ID!): PricePolicy
    pricePolicyByCode(code: String!): PricePolicy
    pricePolicies(first: Int = 50, after: String, scopeKind: PolicyScopeKind): PricePolicyConnection!
    priceVersion(id: ID!): PriceVersion
    "One product's price for a partner on a date, with the chain that produced it"
    resolvePrice(partner: String!, product: String!, date: Date, quantity: Decimal, paymentTermDays: Int, channel: SaleChannel): ResolvedPrice!
    "Up to 1,000 lines for one partner in a bounded number of SQL statements"
    resolvePrices(input: ResolvePricesInput!): ResolvePricesResult!
    priceDeviation(id: ID!): PriceDeviation
    priceDeviations(first: Int = 50, after: String, partner: ID, status: DeviationStatus): PriceDeviationConnection!
    channelTerms(id: ID!): ChannelTerms
    resolveTerms(partner: String!, date: Date, channel: SaleChannel): ResolvedTerms!
    priceViolations(first: Int = 50, after: String, partner: ID, from: Date, to: Date): PriceObservationConnection!
  }

  extend type Mutation {
    createPricePolicy(input: CreatePricePolicyInput!): PricePolicy!
    createPriceVersion(policyId: ID!, input: CreatePriceVersionInput): PriceVersion!
    updatePriceVersion(id: ID!, input: UpdatePriceVersionInput!): PriceVersion!
    setPriceLines(versionId: ID!, lines: [PriceLineInput!]!): PriceLinesResult!
    publishPriceVersion(id: ID!, effectiveFrom: Date, effectiveTo: Date): PriceVersion!
    retirePriceVersion(id: ID!): PriceVersion!
    requestPriceDeviation(input: RequestPriceDeviationInput!): PriceDeviation!
    approvePriceDeviation(id: ID!, note: String): PriceDeviation!
    rejectPriceDeviation(id: ID!, note: String): PriceDeviation!
    createChannelTerms(input: ChannelTermsInput!): ChannelTerms!
    updateChannelTerms(id: ID!, input: ChannelTermsInput!): ChannelTerms!
    publishChannelTerms(id: ID!, effectiveFrom: Date, effectiveTo: Date): ChannelTerms!
    recordPriceObservation(input: RecordPriceObservationInput!): PriceObservation!
  }
`;
