export const integrationSdl = /* GraphQL */ `
  type AuditEntry {
    id: ID!
    occurredAt: DateTime!
    "user, partner, api_key or system"
    actorKind: String!
    subject: String!
    tokenId: String
    partnerId: ID
    requestId: String
    resourceType: String!
    resourceId: String!
    action: String!
    "changed fields: { field: { from, to } }"
    changes: JSON!
  }

  type AuditEntryEdge {
    cursor: String!
    node: AuditEntry!
  }

  type AuditEntryConnection {
    edges: [AuditEntryEdge!]!
    nodes: [AuditEntry!]!
    pageInfo: PageInfo!
  }

  type Event {
    id: ID!
    "position in the feed (64-bit integer as a string), increasing in commit order"
    seq: String!
    type: String!
    resourceType: String!
    resourceId: String!
    occurredAt: DateTime!
    subject: String
    requestId: String
    payload: JSON!
  }

  type EventFeed {
    events: [Event!]!
    "pass as after in the next poll (the cursor you sent when nothing is new)"
    nextCursor: String!
  }

  type WebhookDelivery {
    id: ID!
    endpointId: ID!
    "the webhook-id header"
    messageId: String!
    eventSeq: String
    eventType: String!
    status: String!
    attempts: Int!
    nextAttemptAt: DateTime
    lastAttemptAt: DateTime
    lastStatusCode: Int
    lastError: String
    createdAt: DateTime!
    finishedAt: DateTime
  }

  type WebhookEndpoint {
    id: ID!
    url: String!
    description: String
    eventTypes: [String!]!
    enabled: Boolean!
    disabledReason: String
    consecutiveFailures: Int!
    previousSecretExpiresAt: DateTime
    version: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "the newest deliveries (batched: one query for all endpoints of a result)"
    recentDeliveries(last: Int = 10): [WebhookDelivery!]!
  }

  type WebhookEndpointWithSecret {
    endpoint: WebhookEndpoint!
    "whsec_ signing secret: returned only here"
    secret: String!
  }

  type WebhookPingResult {
    ok: Boolean!
    statusCode: Int
    error: String
    durationMs: Int!
    messageId: String!
  }

  type ApiKey {
    id: ID!
    name: String!
    hint: String!
    scopes: [String!]!
    "the partner the key is bound to (null: a tenant key)"
    partnerId: ID
    "self | subtree (the partner and its descendants); null for a tenant key"
    partnerScope: String
    createdBy: String!
    createdAt: DateTime!
    expiresAt: DateTime
    lastUsedAt: DateTime
    revokedAt: DateTime
  }

  type ApiKeyCreated {
    apiKey: ApiKey!
    "the key: returned only here"
    key: String!
  }

  type JobProgress {
    rowsRead: Int!
    accepted: Int!
    rejected: Int!
  }

  type JobCommitted {
    throughLine: Int!
    accepted: Int!
    created: Int!
    updated: Int!
    unchanged: Int!
  }

  type Job {
    id: ID!
    type: String!
    importKind: String!
    status: String!
    format: String!
    dryRun: Boolean!
    allOrNothing: Boolean!
    progress: JobProgress!
    committed: JobCommitted!
    attempts: Int!
    "the import report once finished"
    result: JSON
    error: String
    createdAt: DateTime!
    startedAt: DateTime
    finishedAt: DateTime
  }

  input AuditFilter {
    resourceType: String
    resourceId: String
    subject: String
  }

  input CreateWebhookEndpointInput {
    url: String!
    description: String
    eventTypes: [String!]
    enabled: Boolean
  }

  input UpdateWebhookEndpointInput {
    url: String
    description: String
    eventTypes: [String!]
    enabled: Boolean
  }

  input CreateApiKeyInput {
    name: String!
    scopes: [String!]!
    expiresAt: DateTime
    "bind the key to a partner: it acts as that partner's user"
    partnerId: ID
    "self | subtree (with partnerId: also the partner's descendants)"
    partnerScope: String
  }

  "who the credential is (GET /v1/me)"
  type Me {
    tenantId: String!
    subject: String!
    "user, partner, api_key or system"
    kind: String!
    scopes: [String!]!
    "the partner the credential is bound to (null: a tenant credential)"
    partnerId: ID
    "self or subtree (null for a tenant credential)"
    partnerScope: String
    "the partners this credential sees: its own first, then its descendants for subtree"
    partnerIds: [ID!]!
  }

  extend type Query {
    me: Me!
    auditEntries(first: Int = 50, after: String, filter: AuditFilter): AuditEntryConnection!
    events(after: String, types: [String!], first: Int = 100): EventFeed!
    webhookEndpoints(first: Int = 50, after: String): [WebhookEndpoint!]!
    webhookEndpoint(id: ID!): WebhookEndpoint
    apiKeys(first: Int = 50, after: String): [ApiKey!]!
    job(id: ID!): Job
  }

  extend type Mutation {
    createWebhookEndpoint(input: CreateWebhookEndpointInput!): WebhookEndpointWithSecret!
    updateWebhookEndpoint(id: ID!, input: UpdateWebhookEndpointInput!, version: Int): WebhookEndpoint!
    deleteWebhookEndpoint(id: ID!): Boolean!
    "overlapSeconds: how long the old secret keeps signing too (default 86400)"
    rotateWebhookSecret(id: ID!, overlapSeconds: Int): WebhookEndpointWithSecret!
    pingWebhookEndpoint(id: ID!): WebhookPingResult!
    redeliverWebhook(endpointId: ID!, deliveryId: ID!): WebhookDelivery!
    createApiKey(input: CreateApiKeyInput!): ApiKeyCreated!
    revokeApiKey(id: ID!): ApiKey!
  }
`;
