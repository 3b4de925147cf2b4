export const partnersSdl = /* GraphQL */ `
  enum PartnerType {
    distributor
    wholesaler
    dealer
    agent
    retailer
  }
  enum PartnerChannel {
    online
    offline
    both
  }
  enum PartnerStatus {
    applicant
    under_review
    approved
    active
    suspended
    terminated
    rejected
  }

  type Address {
    line1: String
    line2: String
    city: String
    province: String
    country: String
    postalCode: String
  }

  input AddressInput {
    line1: String
    line2: String
    city: String
    province: String
    country: String
    postalCode: String
  }

  type Partner {
    id: ID!
    code: String!
    legalName: String!
    type: PartnerType!
    channel: PartnerChannel!
    parentId: ID
    "The parent in a tiered network (batched)"
    parent: Partner
    "Direct children in the network, by code (batched: one query for all partners in a result)"
    children: [Partner!]!
    tier: String
    contactName: String
    contactEmail: String
    contactPhone: String
    address: Address
    regionCode: String
    status: PartnerStatus!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type PartnerEdge {
    cursor: String!
    node: Partner!
  }

  type PartnerConnection {
    edges: [PartnerEdge!]!
    nodes: [Partner!]!
    pageInfo: PageInfo!
  }

  input PartnerFilter {
    status: PartnerStatus
    type: PartnerType
    parentId: ID
    tier: String
    "search in legal name and code"
    q: String
  }

  input CreatePartnerInput {
    code: String!
    legalName: String!
    type: PartnerType!
    channel: PartnerChannel
    parentId: ID
    tier: String
    contactName: String
    contactEmail: String
    contactPhone: String
    address: AddressInput
    regionCode: String
    status: PartnerStatus
  }

  input UpdatePartnerInput {
    code: String
    legalName: String
    type: PartnerType
    channel: PartnerChannel
    parentId: ID
    tier: String
    contactName: String
    contactEmail: String
    contactPhone: String
    address: AddressInput
    regionCode: String
  }

  input UpsertPartnerInput {
    legalName: String!
    type: PartnerType!
    channel: PartnerChannel
    parentId: ID
    tier: String
    contactName: String
    contactEmail: String
    contactPhone: String
    address: AddressInput
    regionCode: String
    status: PartnerStatus
  }

  extend type Query {
    partner(id: ID!): Partner
    partnerByCode(code: String!): Partner
    partners(first: Int = 50, after: String, filter: PartnerFilter): PartnerConnection!
  }

  extend type Mutation {
    createPartner(input: CreatePartnerInput!): Partner!
    "version: the version you read; a stale one fails with VERSION_CONFLICT"
    updatePartner(id: ID!, input: UpdatePartnerInput!, version: Int): Partner!
    upsertPartnerByCode(code: String!, input: UpsertPartnerInput!): Partner!
  }
`;
