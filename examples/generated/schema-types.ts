export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Calendar date */
  Date: { input: string; output: string; }
  /** UTC timestamp */
  DateTime: { input: string; output: string; }
  /** Exact decimal */
  Decimal: { input: string; output: string; }
  JSON: { input: unknown; output: unknown; }
};

export type Address = {
  __typename?: 'Address';
  city?: Maybe<Scalars['String']['output']>;
  country?: Maybe<Scalars['String']['output']>;
  line1?: Maybe<Scalars['String']['output']>;
  line2?: Maybe<Scalars['String']['output']>;
  postalCode?: Maybe<Scalars['String']['output']>;
  province?: Maybe<Scalars['String']['output']>;
};

export type AddressInput = {
  city?: InputMaybe<Scalars['String']['input']>;
  country?: InputMaybe<Scalars['String']['input']>;
  line1?: InputMaybe<Scalars['String']['input']>;
  line2?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  province?: InputMaybe<Scalars['String']['input']>;
};

export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  hint: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  scopes: Array<Scalars['String']['output']>;
};

export type ApiKeyCreated = {
  __typename?: 'ApiKeyCreated';
  apiKey: ApiKey;
  /** the key: returned only here */
  key: Scalars['String']['output'];
};

export type AuditEntry = {
  __typename?: 'AuditEntry';
  action: Scalars['String']['output'];
  /** user, partner, api_key or system */
  actorKind: Scalars['String']['output'];
  /** changed fields: { field: { from, to } } */
  changes: Scalars['JSON']['output'];
  id: Scalars['ID']['output'];
  occurredAt: Scalars['DateTime']['output'];
  partnerId?: Maybe<Scalars['ID']['output']>;
  requestId?: Maybe<Scalars['String']['output']>;
  resourceId: Scalars['String']['output'];
  resourceType: Scalars['String']['output'];
  subject: Scalars['String']['output'];
  tokenId?: Maybe<Scalars['String']['output']>;
};

export type AuditEntryConnection = {
  __typename?: 'AuditEntryConnection';
  edges: Array<AuditEntryEdge>;
  nodes: Array<AuditEntry>;
  pageInfo: PageInfo;
};

export type AuditEntryEdge = {
  __typename?: 'AuditEntryEdge';
  cursor: Scalars['String']['output'];
  node: AuditEntry;
};

export type AuditFilter = {
  resourceId?: InputMaybe<Scalars['String']['input']>;
  resourceType?: InputMaybe<Scalars['String']['input']>;
  subject?: InputMaybe<Scalars['String']['input']>;
};

export type CreateApiKeyInput = {
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  name: Scalars['String']['input'];
  scopes: Array<Scalars['String']['input']>;
};

export type CreatePartnerInput = {
  address?: InputMaybe<AddressInput>;
  channel?: InputMaybe<PartnerChannel>;
  code: Scalars['String']['input'];
  contactEmail?: InputMaybe<Scalars['String']['input']>;
  contactName?: InputMaybe<Scalars['String']['input']>;
  contactPhone?: InputMaybe<Scalars['String']['input']>;
  legalName: Scalars['String']['input'];
  parentId?: InputMaybe<Scalars['ID']['input']>;
  regionCode?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<PartnerStatus>;
  tier?: InputMaybe<Scalars['String']['input']>;
  type: PartnerType;
};

export type CreateWebhookEndpointInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  url: Scalars['String']['input'];
};

export type Event = {
  __typename?: 'Event';
  id: Scalars['ID']['output'];
  occurredAt: Scalars['DateTime']['output'];
  payload: Scalars['JSON']['output'];
  requestId?: Maybe<Scalars['String']['output']>;
  resourceId: Scalars['String']['output'];
  resourceType: Scalars['String']['output'];
  /** position in the feed (64-bit integer as a string), increasing in commit order */
  seq: Scalars['String']['output'];
  subject?: Maybe<Scalars['String']['output']>;
  type: Scalars['String']['output'];
};

export type EventFeed = {
  __typename?: 'EventFeed';
  events: Array<Event>;
  /** pass as after in the next poll (the cursor you sent when nothing is new) */
  nextCursor: Scalars['String']['output'];
};

export type Job = {
  __typename?: 'Job';
  allOrNothing: Scalars['Boolean']['output'];
  attempts: Scalars['Int']['output'];
  committed: JobCommitted;
  createdAt: Scalars['DateTime']['output'];
  dryRun: Scalars['Boolean']['output'];
  error?: Maybe<Scalars['String']['output']>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  format: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  importKind: Scalars['String']['output'];
  progress: JobProgress;
  /** the import report once finished */
  result?: Maybe<Scalars['JSON']['output']>;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

export type JobCommitted = {
  __typename?: 'JobCommitted';
  accepted: Scalars['Int']['output'];
  created: Scalars['Int']['output'];
  throughLine: Scalars['Int']['output'];
  unchanged: Scalars['Int']['output'];
  updated: Scalars['Int']['output'];
};

export type JobProgress = {
  __typename?: 'JobProgress';
  accepted: Scalars['Int']['output'];
  rejected: Scalars['Int']['output'];
  rowsRead: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  createApiKey: ApiKeyCreated;
  createPartner: Partner;
  createWebhookEndpoint: WebhookEndpointWithSecret;
  deleteWebhookEndpoint: Scalars['Boolean']['output'];
  /** No-op; modules add the real mutations */
  ping: Scalars['String']['output'];
  pingWebhookEndpoint: WebhookPingResult;
  redeliverWebhook: WebhookDelivery;
  revokeApiKey: ApiKey;
  /** overlapSeconds: how long the old secret keeps signing too (default 86400) */
  rotateWebhookSecret: WebhookEndpointWithSecret;
  /** version: the version you read; a stale one fails with VERSION_CONFLICT */
  updatePartner: Partner;
  updateWebhookEndpoint: WebhookEndpoint;
  upsertPartnerByCode: Partner;
};


export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


export type MutationCreatePartnerArgs = {
  input: CreatePartnerInput;
};


export type MutationCreateWebhookEndpointArgs = {
  input: CreateWebhookEndpointInput;
};


export type MutationDeleteWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type MutationPingWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRedeliverWebhookArgs = {
  deliveryId: Scalars['ID']['input'];
  endpointId: Scalars['ID']['input'];
};


export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRotateWebhookSecretArgs = {
  id: Scalars['ID']['input'];
  overlapSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdatePartnerArgs = {
  id: Scalars['ID']['input'];
  input: UpdatePartnerInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
  input: UpdateWebhookEndpointInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpsertPartnerByCodeArgs = {
  code: Scalars['String']['input'];
  input: UpsertPartnerInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Partner = {
  __typename?: 'Partner';
  address?: Maybe<Address>;
  channel: PartnerChannel;
  /** Direct children in the network, by code (batched: one query for all partners in a result) */
  children: Array<Partner>;
  code: Scalars['String']['output'];
  contactEmail?: Maybe<Scalars['String']['output']>;
  contactName?: Maybe<Scalars['String']['output']>;
  contactPhone?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  legalName: Scalars['String']['output'];
  /** The parent in a tiered network (batched) */
  parent?: Maybe<Partner>;
  parentId?: Maybe<Scalars['ID']['output']>;
  regionCode?: Maybe<Scalars['String']['output']>;
  status: PartnerStatus;
  tier?: Maybe<Scalars['String']['output']>;
  type: PartnerType;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type PartnerChannel =
  | 'both'
  | 'offline'
  | 'online';

export type PartnerConnection = {
  __typename?: 'PartnerConnection';
  edges: Array<PartnerEdge>;
  nodes: Array<Partner>;
  pageInfo: PageInfo;
};

export type PartnerEdge = {
  __typename?: 'PartnerEdge';
  cursor: Scalars['String']['output'];
  node: Partner;
};

export type PartnerFilter = {
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** search in legal name and code */
  q?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<PartnerStatus>;
  tier?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<PartnerType>;
};

export type PartnerStatus =
  | 'active'
  | 'applicant'
  | 'approved'
  | 'rejected'
  | 'suspended'
  | 'terminated'
  | 'under_review';

export type PartnerType =
  | 'agent'
  | 'dealer'
  | 'distributor'
  | 'retailer'
  | 'wholesaler';

export type Query = {
  __typename?: 'Query';
  apiKeys: Array<ApiKey>;
  auditEntries: AuditEntryConnection;
  events: EventFeed;
  job?: Maybe<Job>;
  partner?: Maybe<Partner>;
  partnerByCode?: Maybe<Partner>;
  partners: PartnerConnection;
  /** The caller as the server sees it */
  viewer: Viewer;
  webhookEndpoint?: Maybe<WebhookEndpoint>;
  webhookEndpoints: Array<WebhookEndpoint>;
};


export type QueryApiKeysArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAuditEntriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type QueryJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPartnerArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPartnerByCodeArgs = {
  code: Scalars['String']['input'];
};


export type QueryPartnersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<PartnerFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type QueryWebhookEndpointsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type UpdatePartnerInput = {
  address?: InputMaybe<AddressInput>;
  channel?: InputMaybe<PartnerChannel>;
  code?: InputMaybe<Scalars['String']['input']>;
  contactEmail?: InputMaybe<Scalars['String']['input']>;
  contactName?: InputMaybe<Scalars['String']['input']>;
  contactPhone?: InputMaybe<Scalars['String']['input']>;
  legalName?: InputMaybe<Scalars['String']['input']>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
  regionCode?: InputMaybe<Scalars['String']['input']>;
  tier?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<PartnerType>;
};

export type UpdateWebhookEndpointInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  url?: InputMaybe<Scalars['String']['input']>;
};

export type UpsertPartnerInput = {
  address?: InputMaybe<AddressInput>;
  channel?: InputMaybe<PartnerChannel>;
  contactEmail?: InputMaybe<Scalars['String']['input']>;
  contactName?: InputMaybe<Scalars['String']['input']>;
  contactPhone?: InputMaybe<Scalars['String']['input']>;
  legalName: Scalars['String']['input'];
  parentId?: InputMaybe<Scalars['ID']['input']>;
  regionCode?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<PartnerStatus>;
  tier?: InputMaybe<Scalars['String']['input']>;
  type: PartnerType;
};

export type Viewer = {
  __typename?: 'Viewer';
  partner?: Maybe<Scalars['ID']['output']>;
  scopes: Array<Scalars['String']['output']>;
  subject: Scalars['String']['output'];
  tenant: Scalars['String']['output'];
};

export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  attempts: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  endpointId: Scalars['ID']['output'];
  eventSeq?: Maybe<Scalars['String']['output']>;
  eventType: Scalars['String']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  lastAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  lastError?: Maybe<Scalars['String']['output']>;
  lastStatusCode?: Maybe<Scalars['Int']['output']>;
  /** the webhook-id header */
  messageId: Scalars['String']['output'];
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  status: Scalars['String']['output'];
};

export type WebhookEndpoint = {
  __typename?: 'WebhookEndpoint';
  consecutiveFailures: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  disabledReason?: Maybe<Scalars['String']['output']>;
  enabled: Scalars['Boolean']['output'];
  eventTypes: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  previousSecretExpiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** the newest deliveries (batched: one query for all endpoints of a result) */
  recentDeliveries: Array<WebhookDelivery>;
  updatedAt: Scalars['DateTime']['output'];
  url: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};


export type WebhookEndpointRecentDeliveriesArgs = {
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type WebhookEndpointWithSecret = {
  __typename?: 'WebhookEndpointWithSecret';
  endpoint: WebhookEndpoint;
  /** whsec_ signing secret: returned only here */
  secret: Scalars['String']['output'];
};

export type WebhookPingResult = {
  __typename?: 'WebhookPingResult';
  durationMs: Scalars['Int']['output'];
  error?: Maybe<Scalars['String']['output']>;
  messageId: Scalars['String']['output'];
  ok: Scalars['Boolean']['output'];
  statusCode?: Maybe<Scalars['Int']['output']>;
};
