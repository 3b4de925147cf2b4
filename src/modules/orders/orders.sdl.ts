export const ordersSdl = /* GraphQL */ `
  enum OrderStatus {
    draft
    submitted
    approved
    partially_shipped
    shipped
    invoiced
    closed
    cancelled
  }

  type OrderRefusal {
    code: String!
    message: String!
    "1-based line number, or null for the order"
    line: Int
    overridable: Boolean!
    details: JSON
  }

  type OrderLine {
    lineNo: Int!
    productId: ID!
    productCode: String!
    quantity: Decimal!
    requestedPrice: Decimal
    unitPrice: Decimal
    amount: Decimal
    shippedQuantity: Decimal!
  }

  type Order {
    id: ID!
    externalId: String
    partnerId: ID!
    shipToTerritoryId: ID
    shipToAddress: String
    requestedDate: Date!
    paymentTermDays: Int
    currency: String
    status: OrderStatus!
    total: Decimal
    "the part paid from the partner's rebate account (返利抵扣)"
    rebate: OrderRebate
    "total minus the rebate used: what is invoiced and counts against credit"
    payable: Decimal
    refusals: [OrderRefusal!]!
    overrideReason: String
    note: String
    submittedAt: DateTime
    approvedOn: Date
    invoicedOn: Date
    cancelledOn: Date
    lines: [OrderLine!]!
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  "requested (draft), reserved (submitted), released (cancelled), spent (invoiced)"
  enum OrderRebateStatus {
    requested
    reserved
    released
    spent
  }
  type OrderRebate {
    amount: Decimal!
    programId: ID
    status: OrderRebateStatus!
  }
  type OrderCheckRebate {
    amount: Decimal!
    programId: ID
    programCode: String
    "the most of this order payable from rebate (the program cap, never more than the total)"
    cap: Decimal
    "the partner's available rebate (with what this order already holds)"
    available: Decimal!
    "the rebate account currency (null: no account)"
    currency: String
  }
  input OrderRebateInput {
    amount: Decimal!
    "rebate program id or code whose per-order cap applies (default: the strictest active cap)"
    program: String
  }

  type CreditSweepResult {
    date: Date!
    "credit.overdue events emitted (invoices newly past due + tolerated days)"
    overdue: Int!
    "credit.over_limit events emitted (new crossings)"
    overLimit: Int!
    "crossings closed (exposure back within the limit)"
    cleared: Int!
  }

  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  type OrderCheckedLine {
    lineNo: Int!
    product: String!
    productId: ID
    quantity: Decimal!
    requestedPrice: Decimal
    unitPrice: Decimal
    amount: Decimal
    "the policy resolution with its explanation"
    pricing: ResolvedPrice!
  }
  type OrderCheckCredit {
    limit: Decimal
    exposure: Decimal!
    available: Decimal
    onHold: Boolean!
  }
  type OrderCheck {
    orderId: ID
    partnerId: ID!
    date: Date!
    currency: String
    total: Decimal
    lines: [OrderCheckedLine!]!
    refusals: [OrderRefusal!]!
    wouldApprove: Boolean!
    credit: OrderCheckCredit!
    rebate: OrderCheckRebate
    payable: Decimal
  }

  input OrderLineInput {
    product: String!
    quantity: Decimal!
    requestedPrice: Decimal
  }
  input OrderInput {
    partner: String
    externalId: String
    shipTo: String
    shipToAddress: String
    requestedDate: Date
    paymentTermDays: Int
    currency: String
    note: String
    rebate: OrderRebateInput
    lines: [OrderLineInput!]!
  }

  type ShipmentLine {
    lineNo: Int!
    quantity: Decimal!
    amount: Decimal!
  }
  type Shipment {
    id: ID!
    externalId: String!
    orderId: ID!
    shippedOn: Date!
    amount: Decimal!
    lines: [ShipmentLine!]!
    createdAt: DateTime!
  }
  input ShipmentLineInput {
    lineNo: Int!
    quantity: Decimal!
  }
  input ShipmentInput {
    externalId: String!
    shippedOn: Date!
    lines: [ShipmentLineInput!]!
  }
  type Invoice {
    id: ID!
    number: String!
    orderId: ID!
    partnerId: ID!
    issuedOn: Date!
    dueOn: Date!
    amount: Decimal!
    paid: Decimal!
    balance: Decimal!
    currency: String!
  }
  input InvoiceInput {
    number: String!
    issuedOn: Date!
    dueOn: Date
  }

  type CreditLimitEntry {
    id: ID!
    "limit | temporary"
    kind: String!
    amount: Decimal!
    currency: String!
    effectiveFrom: Date!
    expiresOn: Date
    reason: String
    createdBy: String!
    createdAt: DateTime!
  }
  type CreditStatus {
    partnerId: ID!
    date: Date!
    currency: String
    baseLimit: Decimal
    temporary: Decimal!
    limit: Decimal
    openOrders: Decimal!
    receivables: Decimal!
    exposure: Decimal!
    available: Decimal
    overLimit: Boolean!
    overdue: Decimal!
    onHold: Boolean!
    holdReason: String
    overdueToleranceDays: Int!
    history: [CreditLimitEntry!]!
  }
  input CreditLimitInput {
    amount: Decimal!
    currency: String!
    effectiveFrom: Date!
    reason: String
  }
  input TemporaryCreditIncreaseInput {
    amount: Decimal!
    currency: String!
    effectiveFrom: Date!
    expiresOn: Date!
    reason: String!
  }
  input CreditAccountUpdate {
    onHold: Boolean
    holdReason: String
    overdueToleranceDays: Int
  }
  type CollectionAllocation {
    invoiceId: ID!
    invoiceNumber: String!
    amount: Decimal!
  }
  type Collection {
    id: ID!
    externalId: String!
    partnerId: ID!
    receivedOn: Date!
    amount: Decimal!
    currency: String!
    invoiceRef: String
    unallocated: Decimal!
    allocations: [CollectionAllocation!]!
  }
  input CollectionInput {
    externalId: String!
    partner: String!
    receivedOn: Date!
    amount: Decimal!
    currency: String!
    invoiceRef: String
  }
  type AgingRow {
    partnerId: ID!
    currency: String!
    d0_30: Decimal!
    d31_60: Decimal!
    d61_90: Decimal!
    d90Plus: Decimal!
    total: Decimal!
    overdue: Decimal!
    dso: Decimal
  }
  type CreditAging {
    date: Date!
    partners: [AgingRow!]!
  }

  extend type Partner {
    "orders of the partner (batched: two statements for all partners in a result)"
    orders(status: OrderStatus, first: Int = 20): [Order!]!
    "credit on a date (batched: two statements for all partners in a result)"
    credit(date: Date): CreditStatus
  }

  extend type Query {
    order(id: ID!): Order
    orders(first: Int = 50, after: String, partner: String, status: OrderStatus): OrderConnection!
    "what a submit would answer; writes nothing"
    checkOrder(input: OrderInput!): OrderCheck!
    partnerCredit(partner: String!, date: Date): CreditStatus
    creditAging(date: Date, partner: String): CreditAging!
  }

  extend type Mutation {
    "The credit sweep of the caller's tenant on a day (default today): credit.overdue and credit.over_limit, each announced once"
    runCreditSweep(date: Date): CreditSweepResult!
    createOrder(input: OrderInput!): Order!
    submitOrder(id: ID!): Order!
    overrideOrder(id: ID!, reason: String!): Order!
    cancelOrder(id: ID!, reason: String): Order!
    shipOrder(id: ID!, input: ShipmentInput!): Shipment!
    invoiceOrder(id: ID!, input: InvoiceInput!): Invoice!
    setCreditLimit(partner: String!, input: CreditLimitInput!): CreditStatus!
    addTemporaryCreditIncrease(partner: String!, input: TemporaryCreditIncreaseInput!): CreditStatus!
    updateCreditAccount(partner: String!, input: CreditAccountUpdate!): CreditStatus!
    recordCollection(input: CollectionInput!): Collection!
  }
`;
