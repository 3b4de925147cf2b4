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

export type Achievement = {
  __typename?: 'Achievement';
  /** actual / target x 100, rounded to 2 decimals half away from zero */
  achievementPct?: Maybe<Scalars['Decimal']['output']>;
  actual: Scalars['Decimal']['output'];
  asOf: Scalars['Date']['output'];
  byMonth?: Maybe<Array<AchievementMonth>>;
  elapsedDays: Scalars['Int']['output'];
  /** linear run-rate to period end: actual / elapsedDays x periodDays */
  forecast?: Maybe<Scalars['Decimal']['output']>;
  forecastPct?: Maybe<Scalars['Decimal']['output']>;
  /** target - actual */
  gap?: Maybe<Scalars['Decimal']['output']>;
  metric: TargetMetric;
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  partnerName: Scalars['String']['output'];
  period: Scalars['String']['output'];
  periodDays: Scalars['Int']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
  /** position in the network view */
  rank?: Maybe<Scalars['Int']['output']>;
  target?: Maybe<Scalars['Decimal']['output']>;
};

export type AchievementConnection = {
  __typename?: 'AchievementConnection';
  edges: Array<AchievementEdge>;
  nodes: Array<Achievement>;
  pageInfo: PageInfo;
};

export type AchievementEdge = {
  __typename?: 'AchievementEdge';
  cursor: Scalars['String']['output'];
  node: Achievement;
};

export type AchievementMonth = {
  __typename?: 'AchievementMonth';
  achievementPct?: Maybe<Scalars['Decimal']['output']>;
  actual: Scalars['Decimal']['output'];
  /** YYYY-MM */
  month: Scalars['String']['output'];
  target?: Maybe<Scalars['Decimal']['output']>;
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

export type AgingRow = {
  __typename?: 'AgingRow';
  currency: Scalars['String']['output'];
  d0_30: Scalars['Decimal']['output'];
  d31_60: Scalars['Decimal']['output'];
  d61_90: Scalars['Decimal']['output'];
  d90Plus: Scalars['Decimal']['output'];
  dso?: Maybe<Scalars['Decimal']['output']>;
  overdue: Scalars['Decimal']['output'];
  partnerId: Scalars['ID']['output'];
  total: Scalars['Decimal']['output'];
};

export type Agreement = {
  __typename?: 'Agreement';
  activatedAt?: Maybe<Scalars['DateTime']['output']>;
  applicationId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  endDate: Scalars['Date']['output'];
  endNote?: Maybe<Scalars['String']['output']>;
  endReason?: Maybe<AgreementEndReason>;
  endedOn?: Maybe<Scalars['Date']['output']>;
  id: Scalars['ID']['output'];
  note?: Maybe<Scalars['String']['output']>;
  number: Scalars['String']['output'];
  /** batched */
  partner?: Maybe<Partner>;
  partnerId: Scalars['ID']['output'];
  policyRef?: Maybe<Scalars['String']['output']>;
  /** batched */
  products: Array<AgreementProduct>;
  renewalOfId?: Maybe<Scalars['ID']['output']>;
  startDate: Scalars['Date']['output'];
  status: AgreementStatus;
  /** batched */
  territories: Array<AgreementTerritory>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type AgreementConnection = {
  __typename?: 'AgreementConnection';
  edges: Array<AgreementEdge>;
  nodes: Array<Agreement>;
  pageInfo: PageInfo;
};

export type AgreementEdge = {
  __typename?: 'AgreementEdge';
  cursor: Scalars['String']['output'];
  node: Agreement;
};

export type AgreementEndReason =
  | 'breach'
  | 'expiry'
  | 'mutual';

export type AgreementFilter = {
  expiringWithinDays?: InputMaybe<Scalars['Int']['input']>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<AgreementStatus>;
};

export type AgreementInput = {
  endDate?: InputMaybe<Scalars['Date']['input']>;
  note?: InputMaybe<Scalars['String']['input']>;
  number?: InputMaybe<Scalars['String']['input']>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  policyRef?: InputMaybe<Scalars['String']['input']>;
  products?: InputMaybe<Array<ProductAuthorizationInput>>;
  startDate?: InputMaybe<Scalars['Date']['input']>;
  territories?: InputMaybe<Array<TerritoryAssignmentInput>>;
};

export type AgreementProduct = {
  __typename?: 'AgreementProduct';
  /** batched */
  product?: Maybe<Product>;
  productId?: Maybe<Scalars['ID']['output']>;
  /** batched */
  productLine?: Maybe<ProductLine>;
  productLineId?: Maybe<Scalars['ID']['output']>;
};

export type AgreementStatus =
  | 'active'
  | 'draft'
  | 'expired'
  | 'scheduled'
  | 'terminated';

export type AgreementTerritory = {
  __typename?: 'AgreementTerritory';
  exclusive: Scalars['Boolean']['output'];
  /** batched */
  productLine?: Maybe<ProductLine>;
  productLineId?: Maybe<Scalars['ID']['output']>;
  /** batched */
  territory?: Maybe<Territory>;
  territoryId: Scalars['ID']['output'];
};

export type AllocateTargetInput = {
  basis?: InputMaybe<AllocationBasis>;
  metric: TargetMetric;
  parentPartnerId?: InputMaybe<Scalars['ID']['input']>;
  partners?: InputMaybe<Array<AllocationRecipient>>;
  period: Scalars['String']['input'];
  save?: InputMaybe<Scalars['Boolean']['input']>;
  unit?: InputMaybe<Scalars['Decimal']['input']>;
  value?: InputMaybe<Scalars['Decimal']['input']>;
};

export type AllocationBasis =
  | 'last_year'
  | 'weights';

export type AllocationRecipient = {
  partnerId: Scalars['ID']['input'];
  weight?: InputMaybe<Scalars['Decimal']['input']>;
};

export type AnalyticsStream =
  | 'collection'
  | 'sell_in'
  | 'sell_through';

export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  hint: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  /** the partner the key is bound to (null: a tenant key) */
  partnerId?: Maybe<Scalars['ID']['output']>;
  /** self | subtree (the partner and its descendants); null for a tenant key */
  partnerScope?: Maybe<Scalars['String']['output']>;
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  scopes: Array<Scalars['String']['output']>;
};

export type ApiKeyCreated = {
  __typename?: 'ApiKeyCreated';
  apiKey: ApiKey;
  /** the key: returned only here */
  key: Scalars['String']['output'];
};

export type Application = {
  __typename?: 'Application';
  address?: Maybe<Scalars['JSON']['output']>;
  agreementId?: Maybe<Scalars['ID']['output']>;
  capabilities: Scalars['JSON']['output'];
  channel: PartnerChannel;
  contactEmail?: Maybe<Scalars['String']['output']>;
  contactName?: Maybe<Scalars['String']['output']>;
  contactPhone?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  decidedBy?: Maybe<Scalars['String']['output']>;
  decisionReason?: Maybe<Scalars['String']['output']>;
  documents: Array<ApplicationDocument>;
  id: Scalars['ID']['output'];
  legalName: Scalars['String']['output'];
  partnerCode: Scalars['String']['output'];
  partnerId?: Maybe<Scalars['ID']['output']>;
  partnerType: PartnerType;
  requestedProductLineIds: Array<Scalars['ID']['output']>;
  requestedTerritoryIds: Array<Scalars['ID']['output']>;
  status: ApplicationStatus;
  submittedAt?: Maybe<Scalars['DateTime']['output']>;
  submittedBy: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ApplicationAssessment = {
  __typename?: 'ApplicationAssessment';
  applicationId: Scalars['ID']['output'];
  approvable: Scalars['Boolean']['output'];
  checklist: Array<ChecklistLine>;
  failedItems: Array<Scalars['String']['output']>;
  missingItems: Array<Scalars['String']['output']>;
  score: ScoreSummary;
  status: ApplicationStatus;
};

export type ApplicationConnection = {
  __typename?: 'ApplicationConnection';
  edges: Array<ApplicationEdge>;
  nodes: Array<Application>;
  pageInfo: PageInfo;
};

export type ApplicationDocument = {
  __typename?: 'ApplicationDocument';
  expiresOn?: Maybe<Scalars['Date']['output']>;
  kind: Scalars['String']['output'];
  name: Scalars['String']['output'];
  sha256?: Maybe<Scalars['String']['output']>;
  storageKey?: Maybe<Scalars['String']['output']>;
  url?: Maybe<Scalars['String']['output']>;
};

export type ApplicationDocumentInput = {
  expiresOn?: InputMaybe<Scalars['Date']['input']>;
  kind: Scalars['String']['input'];
  name: Scalars['String']['input'];
  sha256?: InputMaybe<Scalars['String']['input']>;
  storageKey?: InputMaybe<Scalars['String']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
};

export type ApplicationEdge = {
  __typename?: 'ApplicationEdge';
  cursor: Scalars['String']['output'];
  node: Application;
};

export type ApplicationInput = {
  address?: InputMaybe<AddressInput>;
  capabilities?: InputMaybe<Scalars['JSON']['input']>;
  channel?: InputMaybe<PartnerChannel>;
  contactEmail?: InputMaybe<Scalars['String']['input']>;
  contactName?: InputMaybe<Scalars['String']['input']>;
  contactPhone?: InputMaybe<Scalars['String']['input']>;
  documents?: InputMaybe<Array<ApplicationDocumentInput>>;
  legalName?: InputMaybe<Scalars['String']['input']>;
  partnerCode?: InputMaybe<Scalars['String']['input']>;
  partnerType?: InputMaybe<PartnerType>;
  requestedProductLineIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  requestedTerritoryIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};

export type ApplicationStatus =
  | 'approved'
  | 'draft'
  | 'rejected'
  | 'submitted'
  | 'under_review'
  | 'withdrawn';

export type AppliedDeviation = {
  __typename?: 'AppliedDeviation';
  id: Scalars['ID']['output'];
  kind: DeviationKind;
  price: Scalars['Decimal']['output'];
  validFrom: Scalars['Date']['output'];
  validTo: Scalars['Date']['output'];
};

export type ApprovalAgreementInput = {
  endDate?: InputMaybe<Scalars['Date']['input']>;
  number?: InputMaybe<Scalars['String']['input']>;
  policyRef?: InputMaybe<Scalars['String']['input']>;
  startDate?: InputMaybe<Scalars['Date']['input']>;
};

/** fund_request and claim are reserved for the trade-funds module: policies can be defined, no module opens them yet */
export type ApprovalKind =
  | 'claim'
  | 'credit_override'
  | 'fund_request'
  /** an evaluation action's partner lifecycle change (measure amount: 1 suspend, 2 terminate) */
  | 'lifecycle'
  | 'order_override'
  | 'price_deviation'
  | 'statement'
  | 'tier_change';

export type ApprovalMeasure =
  | 'amount'
  | 'pct';

/** The approval policy of a kind (审批权限): a chain of steps, each by a post above a threshold */
export type ApprovalPolicy = {
  __typename?: 'ApprovalPolicy';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: ApprovalKind;
  measure: ApprovalMeasure;
  note?: Maybe<Scalars['String']['output']>;
  steps: Array<ApprovalStepRule>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ApprovalPolicyInput = {
  measure: ApprovalMeasure;
  note?: InputMaybe<Scalars['String']['input']>;
  steps: Array<ApprovalStepRuleInput>;
  version?: InputMaybe<Scalars['Int']['input']>;
};

export type ApprovalRequest = {
  __typename?: 'ApprovalRequest';
  amount?: Maybe<Scalars['Decimal']['output']>;
  createdAt: Scalars['DateTime']['output'];
  currentPost?: Maybe<StaffPost>;
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  kind: ApprovalKind;
  partnerId?: Maybe<Scalars['ID']['output']>;
  pct?: Maybe<Scalars['Decimal']['output']>;
  ref: Scalars['String']['output'];
  requestedBy: Scalars['String']['output'];
  status: ApprovalStatus;
  steps: Array<ApprovalStep>;
  version: Scalars['Int']['output'];
};

export type ApprovalRequestConnection = {
  __typename?: 'ApprovalRequestConnection';
  edges: Array<ApprovalRequestEdge>;
  nodes: Array<ApprovalRequest>;
  pageInfo: PageInfo;
};

export type ApprovalRequestEdge = {
  __typename?: 'ApprovalRequestEdge';
  cursor: Scalars['String']['output'];
  node: ApprovalRequest;
};

export type ApprovalRequestInput = {
  amount?: InputMaybe<Scalars['Decimal']['input']>;
  kind: ApprovalKind;
  partner?: InputMaybe<Scalars['String']['input']>;
  pct?: InputMaybe<Scalars['Decimal']['input']>;
  ref: Scalars['String']['input'];
};

export type ApprovalResult = {
  __typename?: 'ApprovalResult';
  agreement: Agreement;
  application: Application;
  partner: Partner;
};

export type ApprovalStatus =
  | 'approved'
  | 'pending'
  | 'rejected';

export type ApprovalStep = {
  __typename?: 'ApprovalStep';
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  decidedBy?: Maybe<Scalars['ID']['output']>;
  decidedBySubject?: Maybe<Scalars['String']['output']>;
  note?: Maybe<Scalars['String']['output']>;
  post: StaffPost;
  seq: Scalars['Int']['output'];
  status: ApprovalStepStatus;
};

export type ApprovalStepRule = {
  __typename?: 'ApprovalStepRule';
  inclusive: Scalars['Boolean']['output'];
  over?: Maybe<Scalars['Decimal']['output']>;
  post: StaffPost;
};

export type ApprovalStepRuleInput = {
  inclusive?: InputMaybe<Scalars['Boolean']['input']>;
  over?: InputMaybe<Scalars['Decimal']['input']>;
  post: StaffPost;
};

export type ApprovalStepStatus =
  | 'approved'
  | 'pending'
  | 'rejected'
  | 'skipped';

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

export type AuthorizationCheck = {
  __typename?: 'AuthorizationCheck';
  allowed: Scalars['Boolean']['output'];
  code: Scalars['String']['output'];
  date: Scalars['Date']['output'];
  partnerId?: Maybe<Scalars['ID']['output']>;
  productId?: Maybe<Scalars['ID']['output']>;
  reason: Scalars['String']['output'];
  territoryId?: Maybe<Scalars['ID']['output']>;
};

export type CatalogFilter = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  q?: InputMaybe<Scalars['String']['input']>;
};

export type ChannelTerms = {
  __typename?: 'ChannelTerms';
  copiedFromId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  creditCurrency?: Maybe<Scalars['String']['output']>;
  creditLimit?: Maybe<Scalars['Decimal']['output']>;
  crossRegionSelling?: Maybe<CrossRegionSelling>;
  /** discount rules of this scope, applied whichever price scope wins unless the winning price version has its own */
  discountRules?: Maybe<Scalars['JSON']['output']>;
  effectiveFrom?: Maybe<Scalars['Date']['output']>;
  effectiveTo?: Maybe<Scalars['Date']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  paymentTermsDays?: Maybe<Scalars['Int']['output']>;
  publishedAt?: Maybe<Scalars['DateTime']['output']>;
  returnConditions?: Maybe<Scalars['String']['output']>;
  returnWindowDays?: Maybe<Scalars['Int']['output']>;
  scope: PolicyScope;
  status: PolicyVersionStatus;
  territoryExclusivity?: Maybe<Scalars['Boolean']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ChannelTermsInput = {
  copyFrom?: InputMaybe<Scalars['ID']['input']>;
  creditCurrency?: InputMaybe<Scalars['String']['input']>;
  creditLimit?: InputMaybe<Scalars['Decimal']['input']>;
  crossRegionSelling?: InputMaybe<CrossRegionSelling>;
  discountRules?: InputMaybe<Scalars['JSON']['input']>;
  effectiveFrom?: InputMaybe<Scalars['Date']['input']>;
  effectiveTo?: InputMaybe<Scalars['Date']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  paymentTermsDays?: InputMaybe<Scalars['Int']['input']>;
  returnConditions?: InputMaybe<Scalars['String']['input']>;
  returnWindowDays?: InputMaybe<Scalars['Int']['input']>;
  scope?: InputMaybe<PolicyScopeInput>;
  territoryExclusivity?: InputMaybe<Scalars['Boolean']['input']>;
  version?: InputMaybe<Scalars['Int']['input']>;
};

export type CheckItemInput = {
  kind: Scalars['String']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  result: CheckResultValue;
  reviewedOn?: InputMaybe<Scalars['Date']['input']>;
};

export type CheckResultValue =
  | 'fail'
  | 'na'
  | 'pass';

export type ChecklistItemKind = {
  __typename?: 'ChecklistItemKind';
  active: Scalars['Boolean']['output'];
  code: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  required: Scalars['Boolean']['output'];
  version: Scalars['Int']['output'];
};

export type ChecklistLine = {
  __typename?: 'ChecklistLine';
  kind: Scalars['String']['output'];
  name: Scalars['String']['output'];
  note?: Maybe<Scalars['String']['output']>;
  required: Scalars['Boolean']['output'];
  result?: Maybe<CheckResultValue>;
  reviewedOn?: Maybe<Scalars['Date']['output']>;
  reviewer?: Maybe<Scalars['String']['output']>;
};

export type Collection = {
  __typename?: 'Collection';
  allocations: Array<CollectionAllocation>;
  amount: Scalars['Decimal']['output'];
  currency: Scalars['String']['output'];
  externalId: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  invoiceRef?: Maybe<Scalars['String']['output']>;
  partnerId: Scalars['ID']['output'];
  receivedOn: Scalars['Date']['output'];
  unallocated: Scalars['Decimal']['output'];
};

export type CollectionAllocation = {
  __typename?: 'CollectionAllocation';
  amount: Scalars['Decimal']['output'];
  invoiceId: Scalars['ID']['output'];
  invoiceNumber: Scalars['String']['output'];
};

export type CollectionInput = {
  amount: Scalars['Decimal']['input'];
  currency: Scalars['String']['input'];
  externalId: Scalars['String']['input'];
  invoiceRef?: InputMaybe<Scalars['String']['input']>;
  partner: Scalars['String']['input'];
  receivedOn: Scalars['Date']['input'];
};

export type CreateApiKeyInput = {
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  name: Scalars['String']['input'];
  /** bind the key to a partner: it acts as that partner's user */
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  /** self | subtree (with partnerId: also the partner's descendants) */
  partnerScope?: InputMaybe<Scalars['String']['input']>;
  scopes: Array<Scalars['String']['input']>;
};

export type CreateEarlyWarningRuleInput = {
  code: Scalars['String']['input'];
  kind: WarningKind;
  minElapsedPct?: InputMaybe<Scalars['Decimal']['input']>;
  name: Scalars['String']['input'];
  threshold: Scalars['Decimal']['input'];
};

export type CreateEvaluationActionRuleInput = {
  action: EvaluationActionType;
  code: Scalars['String']['input'];
  condition: EvaluationActionConditionInput;
  /** suspend | terminate (termination_review only) */
  lifecycleAction?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  targetTier?: InputMaybe<Scalars['String']['input']>;
  /** template id or code; default every template */
  template?: InputMaybe<Scalars['String']['input']>;
  tierLadder?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type CreateIncentiveProgramInput = {
  base?: InputMaybe<Scalars['JSON']['input']>;
  code: Scalars['String']['input'];
  currency?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  eligibility?: InputMaybe<Scalars['JSON']['input']>;
  granularity: IncentiveGranularity;
  name: Scalars['String']['input'];
  orderCap?: InputMaybe<RebateOrderCapInput>;
  rules: Scalars['JSON']['input'];
  type: IncentiveProgramType;
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

export type CreatePricePolicyInput = {
  code: Scalars['String']['input'];
  currency: Scalars['String']['input'];
  name: Scalars['String']['input'];
  scope: PolicyScopeInput;
};

export type CreatePriceVersionInput = {
  copyFrom?: InputMaybe<Scalars['ID']['input']>;
  discountRules?: InputMaybe<Scalars['JSON']['input']>;
  effectiveFrom?: InputMaybe<Scalars['Date']['input']>;
  effectiveTo?: InputMaybe<Scalars['Date']['input']>;
  note?: InputMaybe<Scalars['String']['input']>;
};

export type CreateRepTargetInput = {
  metric: RepTargetMetric;
  note?: InputMaybe<Scalars['String']['input']>;
  period: Scalars['String']['input'];
  /** the rep's staff id or code */
  rep: Scalars['String']['input'];
  value: Scalars['Decimal']['input'];
};

export type CreateScorecardTemplateInput = {
  code: Scalars['String']['input'];
  gradeBands: Array<GradeBandInput>;
  kpis: Array<KpiDefinitionInput>;
  name: Scalars['String']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};

export type CreateTargetInput = {
  agreementId?: InputMaybe<Scalars['ID']['input']>;
  metric: TargetMetric;
  note?: InputMaybe<Scalars['String']['input']>;
  partnerId: Scalars['ID']['input'];
  period: Scalars['String']['input'];
  productLineId?: InputMaybe<Scalars['ID']['input']>;
  territoryId?: InputMaybe<Scalars['ID']['input']>;
  value: Scalars['Decimal']['input'];
};

export type CreateWebhookEndpointInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  url: Scalars['String']['input'];
};

export type CreditAccountUpdate = {
  holdReason?: InputMaybe<Scalars['String']['input']>;
  onHold?: InputMaybe<Scalars['Boolean']['input']>;
  overdueToleranceDays?: InputMaybe<Scalars['Int']['input']>;
};

export type CreditAging = {
  __typename?: 'CreditAging';
  date: Scalars['Date']['output'];
  partners: Array<AgingRow>;
};

export type CreditLimitEntry = {
  __typename?: 'CreditLimitEntry';
  amount: Scalars['Decimal']['output'];
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  currency: Scalars['String']['output'];
  effectiveFrom: Scalars['Date']['output'];
  expiresOn?: Maybe<Scalars['Date']['output']>;
  id: Scalars['ID']['output'];
  /** limit | temporary */
  kind: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
};

export type CreditLimitInput = {
  amount: Scalars['Decimal']['input'];
  currency: Scalars['String']['input'];
  effectiveFrom: Scalars['Date']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

export type CreditStatus = {
  __typename?: 'CreditStatus';
  available?: Maybe<Scalars['Decimal']['output']>;
  baseLimit?: Maybe<Scalars['Decimal']['output']>;
  currency?: Maybe<Scalars['String']['output']>;
  date: Scalars['Date']['output'];
  exposure: Scalars['Decimal']['output'];
  history: Array<CreditLimitEntry>;
  holdReason?: Maybe<Scalars['String']['output']>;
  limit?: Maybe<Scalars['Decimal']['output']>;
  onHold: Scalars['Boolean']['output'];
  openOrders: Scalars['Decimal']['output'];
  overLimit: Scalars['Boolean']['output'];
  overdue: Scalars['Decimal']['output'];
  overdueToleranceDays: Scalars['Int']['output'];
  partnerId: Scalars['ID']['output'];
  receivables: Scalars['Decimal']['output'];
  temporary: Scalars['Decimal']['output'];
};

export type CreditSweepResult = {
  __typename?: 'CreditSweepResult';
  /** crossings closed (exposure back within the limit) */
  cleared: Scalars['Int']['output'];
  date: Scalars['Date']['output'];
  /** credit.over_limit events emitted (new crossings) */
  overLimit: Scalars['Int']['output'];
  /** credit.overdue events emitted (invoices newly past due + tolerated days) */
  overdue: Scalars['Int']['output'];
};

export type CriterionInput = {
  code: Scalars['String']['input'];
  name: Scalars['String']['input'];
  weight: Scalars['Decimal']['input'];
};

export type CrossRegionFilter = {
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<CrossRegionStatus>;
};

export type CrossRegionInput = {
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  productId?: InputMaybe<Scalars['ID']['input']>;
  productLineId?: InputMaybe<Scalars['ID']['input']>;
  reason: Scalars['String']['input'];
  territoryId: Scalars['ID']['input'];
  validFrom: Scalars['Date']['input'];
  validTo: Scalars['Date']['input'];
};

export type CrossRegionRequest = {
  __typename?: 'CrossRegionRequest';
  createdAt: Scalars['DateTime']['output'];
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  decidedBy?: Maybe<Scalars['String']['output']>;
  decisionNote?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** batched */
  partner?: Maybe<Partner>;
  partnerId: Scalars['ID']['output'];
  productId?: Maybe<Scalars['ID']['output']>;
  productLineId?: Maybe<Scalars['ID']['output']>;
  reason: Scalars['String']['output'];
  requestedBy: Scalars['String']['output'];
  status: CrossRegionStatus;
  /** batched */
  territory?: Maybe<Territory>;
  territoryId: Scalars['ID']['output'];
  validFrom: Scalars['Date']['output'];
  validTo: Scalars['Date']['output'];
  version: Scalars['Int']['output'];
};

export type CrossRegionRequestConnection = {
  __typename?: 'CrossRegionRequestConnection';
  edges: Array<CrossRegionRequestEdge>;
  nodes: Array<CrossRegionRequest>;
  pageInfo: PageInfo;
};

export type CrossRegionRequestEdge = {
  __typename?: 'CrossRegionRequestEdge';
  cursor: Scalars['String']['output'];
  node: CrossRegionRequest;
};

export type CrossRegionSelling =
  | 'allowed_with_request'
  | 'forbidden';

export type CrossRegionStatus =
  | 'approved'
  | 'pending'
  | 'rejected';

export type DataScope =
  | 'all'
  | 'org_subtree'
  | 'portfolio';

export type DecomposeInto =
  | 'months'
  | 'quarters';

export type DecomposeTargetInput = {
  into?: InputMaybe<DecomposeInto>;
  metric: TargetMetric;
  partnerId: Scalars['ID']['input'];
  period: Scalars['String']['input'];
  productLineId?: InputMaybe<Scalars['ID']['input']>;
  save?: InputMaybe<Scalars['Boolean']['input']>;
  territoryId?: InputMaybe<Scalars['ID']['input']>;
  unit?: InputMaybe<Scalars['Decimal']['input']>;
  value?: InputMaybe<Scalars['Decimal']['input']>;
  weights?: InputMaybe<Array<Scalars['Decimal']['input']>>;
};

export type DeviationKind =
  | 'above_list'
  | 'below_min_resale';

export type DeviationStatus =
  | 'approved'
  | 'pending'
  | 'rejected';

/** where a price's discount rules come from: price_version (the winning version's own) or channel_terms */
export type DiscountSource = {
  __typename?: 'DiscountSource';
  kind: Scalars['String']['output'];
  scope?: Maybe<PolicyScope>;
  termsId?: Maybe<Scalars['ID']['output']>;
};

export type DiscountStep = {
  __typename?: 'DiscountStep';
  amount: Scalars['Decimal']['output'];
  base: Scalars['Decimal']['output'];
  basis: Scalars['String']['output'];
  ratePercent: Scalars['Decimal']['output'];
  rule: Scalars['String']['output'];
};

export type EarlyWarning = {
  __typename?: 'EarlyWarning';
  closedAsOf?: Maybe<Scalars['Date']['output']>;
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  kind: WarningKind;
  lastCheckedAt: Scalars['DateTime']['output'];
  openedAsOf: Scalars['Date']['output'];
  openedAt: Scalars['DateTime']['output'];
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  period: Scalars['String']['output'];
  ruleCode: Scalars['String']['output'];
  ruleId: Scalars['ID']['output'];
  status: WarningStatus;
  threshold: Scalars['Decimal']['output'];
  value?: Maybe<Scalars['Decimal']['output']>;
};

export type EarlyWarningConnection = {
  __typename?: 'EarlyWarningConnection';
  edges: Array<EarlyWarningEdge>;
  nodes: Array<EarlyWarning>;
  pageInfo: PageInfo;
};

export type EarlyWarningEdge = {
  __typename?: 'EarlyWarningEdge';
  cursor: Scalars['String']['output'];
  node: EarlyWarning;
};

/** an early-warning rule: a threshold over live data during a period */
export type EarlyWarningRule = {
  __typename?: 'EarlyWarningRule';
  active: Scalars['Boolean']['output'];
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: WarningKind;
  /** achievement_behind_run_rate: the share of the period that must have passed (as written, default 50) */
  minElapsedPct: Scalars['Decimal']['output'];
  name: Scalars['String']['output'];
  /** as written */
  threshold: Scalars['Decimal']['output'];
};

export type EarlyWarningRuleConnection = {
  __typename?: 'EarlyWarningRuleConnection';
  edges: Array<EarlyWarningRuleEdge>;
  nodes: Array<EarlyWarningRule>;
  pageInfo: PageInfo;
};

export type EarlyWarningRuleEdge = {
  __typename?: 'EarlyWarningRuleEdge';
  cursor: Scalars['String']['output'];
  node: EarlyWarningRule;
};

export type EvaluationAction = {
  __typename?: 'EvaluationAction';
  action: EvaluationActionType;
  createdAt: Scalars['DateTime']['output'];
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  decidedBy?: Maybe<Scalars['String']['output']>;
  fromTier?: Maybe<Scalars['String']['output']>;
  grade?: Maybe<Scalars['String']['output']>;
  gradeHistory: Array<EvaluationGradeHistory>;
  id: Scalars['ID']['output'];
  /** suspend or terminate: performed on the partner when accepted (termination_review rules) */
  lifecycleAction?: Maybe<Scalars['String']['output']>;
  note?: Maybe<Scalars['String']['output']>;
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  period: Scalars['String']['output'];
  reason: Scalars['String']['output'];
  ruleCode: Scalars['String']['output'];
  ruleId: Scalars['ID']['output'];
  runId: Scalars['ID']['output'];
  status: EvaluationActionStatus;
  toTier?: Maybe<Scalars['String']['output']>;
};

export type EvaluationActionCondition = {
  __typename?: 'EvaluationActionCondition';
  /** ... in this many consecutive finalised runs (default 1) */
  consecutive?: Maybe<Scalars['Int']['output']>;
  /** the grade is one of these */
  grades?: Maybe<Array<Scalars['String']['output']>>;
  kpi?: Maybe<EvaluationKpiCondition>;
};

export type EvaluationActionConditionInput = {
  consecutive?: InputMaybe<Scalars['Int']['input']>;
  grades?: InputMaybe<Array<Scalars['String']['input']>>;
  kpi?: InputMaybe<EvaluationKpiConditionInput>;
};

export type EvaluationActionConnection = {
  __typename?: 'EvaluationActionConnection';
  edges: Array<EvaluationActionEdge>;
  nodes: Array<EvaluationAction>;
  pageInfo: PageInfo;
};

export type EvaluationActionEdge = {
  __typename?: 'EvaluationActionEdge';
  cursor: Scalars['String']['output'];
  node: EvaluationAction;
};

/** a rule mapping grades (optionally over consecutive periods) or a KPI condition to a recommended action */
export type EvaluationActionRule = {
  __typename?: 'EvaluationActionRule';
  action: EvaluationActionType;
  active: Scalars['Boolean']['output'];
  code: Scalars['String']['output'];
  condition: EvaluationActionCondition;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** termination_review: suspend or terminate, performed when a recommendation is accepted */
  lifecycleAction?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  targetTier?: Maybe<Scalars['String']['output']>;
  /** null: every template */
  templateId?: Maybe<Scalars['ID']['output']>;
  /** tier_up / tier_down: tiers lowest first */
  tierLadder?: Maybe<Array<Scalars['String']['output']>>;
};

export type EvaluationActionRuleConnection = {
  __typename?: 'EvaluationActionRuleConnection';
  edges: Array<EvaluationActionRuleEdge>;
  nodes: Array<EvaluationActionRule>;
  pageInfo: PageInfo;
};

export type EvaluationActionRuleEdge = {
  __typename?: 'EvaluationActionRuleEdge';
  cursor: Scalars['String']['output'];
  node: EvaluationActionRule;
};

export type EvaluationActionStatus =
  | 'accepted'
  | 'dismissed'
  | 'pending_approval'
  | 'recommended';

export type EvaluationActionType =
  | 'incentive_eligibility'
  | 'renewal_recommended'
  | 'termination_review'
  | 'tier_down'
  | 'tier_up'
  | 'warning';

export type EvaluationGradeHistory = {
  __typename?: 'EvaluationGradeHistory';
  grade?: Maybe<Scalars['String']['output']>;
  period: Scalars['String']['output'];
};

export type EvaluationHistoryEntry = {
  __typename?: 'EvaluationHistoryEntry';
  complete: Scalars['Boolean']['output'];
  finalisedAt?: Maybe<Scalars['DateTime']['output']>;
  grade?: Maybe<Scalars['String']['output']>;
  period: Scalars['String']['output'];
  periodStart: Scalars['Date']['output'];
  rank?: Maybe<Scalars['Int']['output']>;
  runId: Scalars['ID']['output'];
  templateCode: Scalars['String']['output'];
  templateId: Scalars['ID']['output'];
  templateVersion: Scalars['Int']['output'];
  total?: Maybe<Scalars['Decimal']['output']>;
};

export type EvaluationKpiCondition = {
  __typename?: 'EvaluationKpiCondition';
  code: Scalars['String']['output'];
  /** lt | lte | gt | gte | eq */
  op: Scalars['String']['output'];
  /** as written */
  value: Scalars['Decimal']['output'];
};

export type EvaluationKpiConditionInput = {
  code: Scalars['String']['input'];
  op: Scalars['String']['input'];
  value: Scalars['Decimal']['input'];
};

export type EvaluationResult = {
  __typename?: 'EvaluationResult';
  /** false when a KPI value is missing: then neither graded nor ranked */
  complete: Scalars['Boolean']['output'];
  grade?: Maybe<Scalars['String']['output']>;
  kpis: Array<EvaluationResultKpi>;
  missing: Array<Scalars['String']['output']>;
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  period: Scalars['String']['output'];
  /** competition ranking (1,2,2,4) by total; ties listed by partner code */
  rank?: Maybe<Scalars['Int']['output']>;
  runId: Scalars['ID']['output'];
  runStatus: EvaluationRunStatus;
  templateId: Scalars['ID']['output'];
  templateVersion: Scalars['Int']['output'];
  total?: Maybe<Scalars['Decimal']['output']>;
};

export type EvaluationResultConnection = {
  __typename?: 'EvaluationResultConnection';
  edges: Array<EvaluationResultEdge>;
  nodes: Array<EvaluationResult>;
  pageInfo: PageInfo;
};

export type EvaluationResultEdge = {
  __typename?: 'EvaluationResultEdge';
  cursor: Scalars['String']['output'];
  node: EvaluationResult;
};

export type EvaluationResultKpi = {
  __typename?: 'EvaluationResultKpi';
  code: Scalars['String']['output'];
  defaulted: Scalars['Boolean']['output'];
  score?: Maybe<Scalars['Decimal']['output']>;
  value?: Maybe<Scalars['Decimal']['output']>;
  weight: Scalars['Decimal']['output'];
  weighted?: Maybe<Scalars['Decimal']['output']>;
};

export type EvaluationRun = {
  __typename?: 'EvaluationRun';
  allowDefaults: Scalars['Boolean']['output'];
  completeCount: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  finalisedAt?: Maybe<Scalars['DateTime']['output']>;
  finalisedBy?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  incompleteCount: Scalars['Int']['output'];
  partnerCount: Scalars['Int']['output'];
  period: Scalars['String']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
  status: EvaluationRunStatus;
  templateCode: Scalars['String']['output'];
  templateId: Scalars['ID']['output'];
  templateVersion: Scalars['Int']['output'];
  version: Scalars['Int']['output'];
};

export type EvaluationRunConnection = {
  __typename?: 'EvaluationRunConnection';
  edges: Array<EvaluationRunEdge>;
  nodes: Array<EvaluationRun>;
  pageInfo: PageInfo;
};

export type EvaluationRunEdge = {
  __typename?: 'EvaluationRunEdge';
  cursor: Scalars['String']['output'];
  node: EvaluationRun;
};

export type EvaluationRunStatus =
  | 'draft'
  | 'finalised';

export type EvaluationSimulation = {
  __typename?: 'EvaluationSimulation';
  gradeChanges: Scalars['Int']['output'];
  partners: Scalars['Int']['output'];
  period: Scalars['String']['output'];
  rankChanges: Scalars['Int']['output'];
  results: Array<EvaluationSimulationRow>;
  runId: Scalars['ID']['output'];
};

export type EvaluationSimulationRow = {
  __typename?: 'EvaluationSimulationRow';
  after: EvaluationStanding;
  before: EvaluationStanding;
  gradeChanged: Scalars['Boolean']['output'];
  missing: Array<Scalars['String']['output']>;
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  rankChanged: Scalars['Boolean']['output'];
};

export type EvaluationStanding = {
  __typename?: 'EvaluationStanding';
  grade?: Maybe<Scalars['String']['output']>;
  rank?: Maybe<Scalars['Int']['output']>;
  total?: Maybe<Scalars['Decimal']['output']>;
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

export type ForecastMethod = {
  __typename?: 'ForecastMethod';
  description: Scalars['String']['output'];
  name: Scalars['String']['output'];
  seasonYears: Scalars['Int']['output'];
  window: Scalars['Int']['output'];
};

export type ForecastMonth = {
  __typename?: 'ForecastMonth';
  month: Scalars['String']['output'];
  runRate: Scalars['Decimal']['output'];
  seasonal: Scalars['Decimal']['output'];
};

export type GradeBand = {
  __typename?: 'GradeBand';
  grade: Scalars['String']['output'];
  min: Scalars['Decimal']['output'];
};

export type GradeBandInput = {
  grade: Scalars['String']['input'];
  min: Scalars['Decimal']['input'];
};

export type GradeCount = {
  __typename?: 'GradeCount';
  count: Scalars['Int']['output'];
  grade: Scalars['String']['output'];
  share: Scalars['Decimal']['output'];
};

export type GradeDistribution = {
  __typename?: 'GradeDistribution';
  grades: Array<GradeCount>;
  incomplete: Scalars['Int']['output'];
  period: Scalars['String']['output'];
  runId: Scalars['ID']['output'];
};

export type GrantAwardInput = {
  citation?: InputMaybe<Scalars['String']['input']>;
  partnerId: Scalars['ID']['input'];
  period: Scalars['String']['input'];
  programId?: InputMaybe<Scalars['ID']['input']>;
  title: Scalars['String']['input'];
};

export type IncentiveGranularity =
  | 'month'
  | 'quarter'
  | 'year';

export type IncentiveLineKind =
  | 'adjustment'
  | 'calculated'
  | 'manual';

export type IncentiveManualLineInput = {
  amount: Scalars['Decimal']['input'];
  partnerId: Scalars['ID']['input'];
  period: Scalars['String']['input'];
  programId?: InputMaybe<Scalars['ID']['input']>;
  reason: Scalars['String']['input'];
  unit?: InputMaybe<Scalars['String']['input']>;
};

export type IncentiveProgram = {
  __typename?: 'IncentiveProgram';
  /** { metric, productLineIds? } (see IncentiveBase in OpenAPI) */
  base: Scalars['JSON']['output'];
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  currency: Scalars['String']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** { partnerTypes?, tiers?, regionCodes?, productLineIds? } */
  eligibility: Scalars['JSON']['output'];
  granularity: IncentiveGranularity;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** Rebate programs: the most of one order payable from the rebate account (null: no cap) */
  orderCap?: Maybe<RebateOrderCap>;
  /** The rule set (see IncentiveRuleSet in OpenAPI): basis, mode, tiers, accelerators, caps, points, penalty, recognition */
  rules: Scalars['JSON']['output'];
  status: IncentiveProgramStatus;
  type: IncentiveProgramType;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type IncentiveProgramConnection = {
  __typename?: 'IncentiveProgramConnection';
  edges: Array<IncentiveProgramEdge>;
  nodes: Array<IncentiveProgram>;
  pageInfo: PageInfo;
};

export type IncentiveProgramEdge = {
  __typename?: 'IncentiveProgramEdge';
  cursor: Scalars['String']['output'];
  node: IncentiveProgram;
};

export type IncentiveProgramStatus =
  | 'active'
  | 'closed'
  | 'draft';

export type IncentiveProgramType =
  | 'commission'
  | 'penalty'
  | 'points'
  | 'rebate'
  | 'recognition'
  | 'target_bonus';

/** How far a partner is from the next tier (REST IncentiveProjection) */
export type IncentiveProjection = {
  __typename?: 'IncentiveProjection';
  base?: Maybe<Scalars['Decimal']['output']>;
  current?: Maybe<IncentiveProjectionCurrent>;
  eligible: Scalars['Boolean']['output'];
  nextTier?: Maybe<IncentiveProjectionNextTier>;
  partnerId: Scalars['ID']['output'];
  period: Scalars['String']['output'];
  programId: Scalars['ID']['output'];
  target?: Maybe<Scalars['Decimal']['output']>;
};

/** Where a partner stands now (REST IncentiveProjection.current) */
export type IncentiveProjectionCurrent = {
  __typename?: 'IncentiveProjectionCurrent';
  amount: Scalars['Decimal']['output'];
  /** the calculation's explanation (free-form, as on a run line) */
  explanation: Scalars['JSON']['output'];
  tierReached?: Maybe<Scalars['Int']['output']>;
};

/** The next tier and what reaching it is worth (REST IncentiveProjection.nextTier) */
export type IncentiveProjectionNextTier = {
  __typename?: 'IncentiveProjectionNextTier';
  amountAtNext: Scalars['Decimal']['output'];
  /** base still missing */
  gap: Scalars['Decimal']['output'];
  increase: Scalars['Decimal']['output'];
  index: Scalars['Int']['output'];
  threshold: Scalars['Decimal']['output'];
};

export type IncentiveRun = {
  __typename?: 'IncentiveRun';
  awards?: Maybe<Scalars['Int']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  createdBy: Scalars['String']['output'];
  dryRun: Scalars['Boolean']['output'];
  /** null for a dry run */
  id?: Maybe<Scalars['ID']['output']>;
  /** sha256 of rules, eligibility, base and every partner input: same data, same hash */
  inputHash: Scalars['String']['output'];
  /** Per-partner results by partner id (batched: one query for all runs of a result) */
  lines: Array<IncentiveRunLine>;
  partnerCount: Scalars['Int']['output'];
  period: Scalars['String']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
  programId: Scalars['ID']['output'];
  programVersion: Scalars['Int']['output'];
  prorated: Scalars['Boolean']['output'];
  /** total before the budget cap */
  requested: Scalars['Decimal']['output'];
  statementLines?: Maybe<IncentiveRunStatementLines>;
  total: Scalars['Decimal']['output'];
  unit: Scalars['String']['output'];
};


export type IncentiveRunLinesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type IncentiveRunConnection = {
  __typename?: 'IncentiveRunConnection';
  edges: Array<IncentiveRunEdge>;
  nodes: Array<IncentiveRun>;
  pageInfo: PageInfo;
};

/** Line-by-line comparison of two runs (REST IncentiveRunDiff) */
export type IncentiveRunDiff = {
  __typename?: 'IncentiveRunDiff';
  against: Scalars['ID']['output'];
  changed: Array<IncentiveRunDiffLine>;
  run: Scalars['ID']['output'];
  /** both runs read the same inputs (program version, period, facts) */
  sameInputs: Scalars['Boolean']['output'];
  totalAfter: Scalars['Decimal']['output'];
  totalBefore: Scalars['Decimal']['output'];
  totalDelta: Scalars['Decimal']['output'];
};

/** How a partner's result changed between two runs */
export type IncentiveRunDiffChange =
  | 'added'
  | 'changed'
  | 'removed';

/** One partner whose amount or tier differs between the two runs (REST IncentiveRunDiff.changed[]) */
export type IncentiveRunDiffLine = {
  __typename?: 'IncentiveRunDiffLine';
  /** amount in this run; null: the partner is not in it */
  after?: Maybe<Scalars['Decimal']['output']>;
  /** amount in the compared run (against); null: the partner was not in it */
  before?: Maybe<Scalars['Decimal']['output']>;
  change: IncentiveRunDiffChange;
  delta: Scalars['Decimal']['output'];
  partnerId: Scalars['ID']['output'];
  tierAfter?: Maybe<Scalars['Int']['output']>;
  tierBefore?: Maybe<Scalars['Int']['output']>;
};

export type IncentiveRunEdge = {
  __typename?: 'IncentiveRunEdge';
  cursor: Scalars['String']['output'];
  node: IncentiveRun;
};

export type IncentiveRunLine = {
  __typename?: 'IncentiveRunLine';
  amount: Scalars['Decimal']['output'];
  explanation: Scalars['JSON']['output'];
  partnerId: Scalars['ID']['output'];
};

export type IncentiveRunResult = {
  __typename?: 'IncentiveRunResult';
  lines?: Maybe<Array<IncentiveRunLine>>;
  run: IncentiveRun;
};

export type IncentiveRunStatementLines = {
  __typename?: 'IncentiveRunStatementLines';
  adjustments: Scalars['Int']['output'];
  calculated: Scalars['Int']['output'];
  removedDraftLines: Scalars['Int']['output'];
};

/** A changed rule set against a stored period (REST IncentiveSimulation) */
export type IncentiveSimulation = {
  __typename?: 'IncentiveSimulation';
  againstRun?: Maybe<Scalars['ID']['output']>;
  delta: Scalars['Decimal']['output'];
  partners: Array<IncentiveSimulationPartner>;
  period: Scalars['String']['output'];
  programId: Scalars['ID']['output'];
  prorated: Scalars['Boolean']['output'];
  simulatedTotal: Scalars['Decimal']['output'];
  storedTotal: Scalars['Decimal']['output'];
};

/** One partner's stored and simulated amounts (REST IncentiveSimulation.partners[]) */
export type IncentiveSimulationPartner = {
  __typename?: 'IncentiveSimulationPartner';
  delta: Scalars['Decimal']['output'];
  partnerId: Scalars['ID']['output'];
  simulated: Scalars['Decimal']['output'];
  stored: Scalars['Decimal']['output'];
};

export type IncentiveStatement = {
  __typename?: 'IncentiveStatement';
  approvedAt?: Maybe<Scalars['DateTime']['output']>;
  approvedBy?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Lines (batched: one query for all statements of a result) */
  lines: Array<IncentiveStatementLine>;
  paidAt?: Maybe<Scalars['DateTime']['output']>;
  paidBy?: Maybe<Scalars['String']['output']>;
  partnerId: Scalars['ID']['output'];
  paymentReference?: Maybe<Scalars['String']['output']>;
  period: Scalars['String']['output'];
  status: IncentiveStatementStatus;
  total: Scalars['Decimal']['output'];
  unit: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type IncentiveStatementConnection = {
  __typename?: 'IncentiveStatementConnection';
  edges: Array<IncentiveStatementEdge>;
  nodes: Array<IncentiveStatement>;
  pageInfo: PageInfo;
};

export type IncentiveStatementEdge = {
  __typename?: 'IncentiveStatementEdge';
  cursor: Scalars['String']['output'];
  node: IncentiveStatement;
};

export type IncentiveStatementLine = {
  __typename?: 'IncentiveStatementLine';
  amount: Scalars['Decimal']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** Machine-readable: base, target, tier reached, rate, formula, caps, source row counts */
  explanation?: Maybe<Scalars['JSON']['output']>;
  id: Scalars['ID']['output'];
  kind: IncentiveLineKind;
  partnerId: Scalars['ID']['output'];
  period: Scalars['String']['output'];
  /** The program of the line (batched) */
  program?: Maybe<IncentiveProgram>;
  programId?: Maybe<Scalars['ID']['output']>;
  reason?: Maybe<Scalars['String']['output']>;
  runId?: Maybe<Scalars['ID']['output']>;
  statementId: Scalars['ID']['output'];
};

export type IncentiveStatementStatus =
  | 'approved'
  | 'draft'
  | 'paid'
  | 'pending_approval';

export type InventoryMovement = {
  __typename?: 'InventoryMovement';
  balance: Scalars['Decimal']['output'];
  date: Scalars['Date']['output'];
  effect: Scalars['Decimal']['output'];
  externalId: Scalars['String']['output'];
  quantity: Scalars['Decimal']['output'];
  /** sell_in or sell_through */
  stream: Scalars['String']['output'];
};

/** computed channel stock of a partner and product on a date (quantities at 4 decimals) */
export type InventoryPosition = {
  __typename?: 'InventoryPosition';
  date: Scalars['Date']['output'];
  /** quantity / (windowSellThrough / window); null without sell-through in the window */
  daysOfStock?: Maybe<Scalars['Decimal']['output']>;
  opening: Scalars['Decimal']['output'];
  /** date of the opening snapshot (null: none, the stock starts at 0) */
  openingDate?: Maybe<Scalars['Date']['output']>;
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  productCode: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  /** opening + sellIn - sellThrough (may be negative) */
  quantity: Scalars['Decimal']['output'];
  reported?: Maybe<Scalars['Decimal']['output']>;
  reportedOn?: Maybe<Scalars['Date']['output']>;
  sellIn: Scalars['Decimal']['output'];
  sellThrough: Scalars['Decimal']['output'];
  windowSellThrough: Scalars['Decimal']['output'];
};

export type InventoryPositionConnection = {
  __typename?: 'InventoryPositionConnection';
  edges: Array<InventoryPositionEdge>;
  nodes: Array<InventoryPosition>;
  pageInfo: PageInfo;
};

export type InventoryPositionEdge = {
  __typename?: 'InventoryPositionEdge';
  cursor: Scalars['String']['output'];
  node: InventoryPosition;
};

export type InventoryReconciliation = {
  __typename?: 'InventoryReconciliation';
  closingDate: Scalars['Date']['output'];
  computed: Scalars['Decimal']['output'];
  /** reported - computed */
  difference?: Maybe<Scalars['Decimal']['output']>;
  opening: Scalars['Decimal']['output'];
  openingDate?: Maybe<Scalars['Date']['output']>;
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  productCode: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  reported?: Maybe<Scalars['Decimal']['output']>;
  sellIn: Scalars['Decimal']['output'];
  sellThrough: Scalars['Decimal']['output'];
};

export type InventoryReconciliationConnection = {
  __typename?: 'InventoryReconciliationConnection';
  edges: Array<InventoryReconciliationEdge>;
  nodes: Array<InventoryReconciliation>;
  pageInfo: PageInfo;
};

export type InventoryReconciliationEdge = {
  __typename?: 'InventoryReconciliationEdge';
  cursor: Scalars['String']['output'];
  node: InventoryReconciliation;
};

export type InventoryTracedLines = {
  __typename?: 'InventoryTracedLines';
  closingDate: Scalars['Date']['output'];
  lines: Array<InventoryMovement>;
  nextCursor?: Maybe<Scalars['String']['output']>;
  opening: Scalars['Decimal']['output'];
  openingDate?: Maybe<Scalars['Date']['output']>;
  partnerId: Scalars['ID']['output'];
  productId: Scalars['ID']['output'];
  reported?: Maybe<Scalars['Decimal']['output']>;
};

export type Invoice = {
  __typename?: 'Invoice';
  amount: Scalars['Decimal']['output'];
  balance: Scalars['Decimal']['output'];
  currency: Scalars['String']['output'];
  dueOn: Scalars['Date']['output'];
  id: Scalars['ID']['output'];
  issuedOn: Scalars['Date']['output'];
  number: Scalars['String']['output'];
  orderId: Scalars['ID']['output'];
  paid: Scalars['Decimal']['output'];
  partnerId: Scalars['ID']['output'];
};

export type InvoiceInput = {
  dueOn?: InputMaybe<Scalars['Date']['input']>;
  issuedOn: Scalars['Date']['input'];
  number: Scalars['String']['input'];
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

export type KpiAverage = {
  __typename?: 'KpiAverage';
  avgScore?: Maybe<Scalars['Decimal']['output']>;
  avgValue?: Maybe<Scalars['Decimal']['output']>;
  group?: Maybe<Scalars['String']['output']>;
  kpi: Scalars['String']['output'];
  partners: Scalars['Int']['output'];
};

export type KpiAverageGroup =
  | 'partner_type'
  | 'territory';

export type KpiDefinition = {
  __typename?: 'KpiDefinition';
  code: Scalars['String']['output'];
  defaultValue?: Maybe<Scalars['Decimal']['output']>;
  direction: KpiDirection;
  kind?: Maybe<KpiKind>;
  name: Scalars['String']['output'];
  scoring: ScoringRule;
  source: KpiSource;
  weight: Scalars['Decimal']['output'];
};

export type KpiDefinitionInput = {
  code: Scalars['String']['input'];
  defaultValue?: InputMaybe<Scalars['Decimal']['input']>;
  direction: KpiDirection;
  kind?: InputMaybe<KpiKind>;
  name: Scalars['String']['input'];
  scoring: ScoringRuleInput;
  source: KpiSource;
  weight: Scalars['Decimal']['input'];
};

export type KpiDirection =
  | 'higher'
  | 'lower';

export type KpiKind =
  | 'collection_rate'
  | 'cross_region_violations'
  | 'growth_yoy'
  | 'inventory_days'
  | 'price_violations'
  | 'target_achievement'
  | 'training_completion';

export type KpiSource =
  | 'computed'
  | 'manual';

export type ManualKpiValueInput = {
  kpi: Scalars['String']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  partnerCode?: InputMaybe<Scalars['String']['input']>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  period: Scalars['String']['input'];
  value: Scalars['Decimal']['input'];
};

/** who the credential is (GET /v1/me) */
export type Me = {
  __typename?: 'Me';
  /** user, partner, api_key or system */
  kind: Scalars['String']['output'];
  /** the partner the credential is bound to (null: a tenant credential) */
  partnerId?: Maybe<Scalars['ID']['output']>;
  /** the partners this credential sees: its own first, then its descendants for subtree */
  partnerIds: Array<Scalars['ID']['output']>;
  /** self or subtree (null for a tenant credential) */
  partnerScope?: Maybe<Scalars['String']['output']>;
  scopes: Array<Scalars['String']['output']>;
  subject: Scalars['String']['output'];
  tenantId: Scalars['String']['output'];
};

export type MonthAmount = {
  __typename?: 'MonthAmount';
  amount: Scalars['Decimal']['output'];
  month: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  acceptEvaluationAction: EvaluationAction;
  activateAgreement: Agreement;
  activateIncentiveProgram: IncentiveProgram;
  addIncentiveManualLine: IncentiveStatementLine;
  addTemporaryCreditIncrease: CreditStatus;
  allocateTarget: TargetSplit;
  approveApplication: ApprovalResult;
  approveApprovalStep: ApprovalRequest;
  approveCrossRegionRequest: CrossRegionRequest;
  approveIncentiveStatement: IncentiveStatement;
  approvePriceDeviation: PriceDeviation;
  assignPartnerOwnership: PartnerOwnership;
  bulkAssignPartnerOwnership: OwnershipBulkResult;
  cancelOrder: Order;
  /** evaluates the early-warning rules now (default period: the quarter of asOf, default asOf: today) */
  checkEarlyWarnings: WarningCheckResult;
  closeIncentiveProgram: IncentiveProgram;
  createAgreement: Agreement;
  createApiKey: ApiKeyCreated;
  createApplication: Application;
  createApprovalRequest: ApprovalRequest;
  createChannelTerms: ChannelTerms;
  createChecklistItemKind: ChecklistItemKind;
  createCrossRegionRequest: CrossRegionRequest;
  createEarlyWarningRule: EarlyWarningRule;
  createEvaluationActionRule: EvaluationActionRule;
  createIncentiveProgram: IncentiveProgram;
  createOrder: Order;
  createOrgUnit: OrgUnit;
  createPartner: Partner;
  createPricePolicy: PricePolicy;
  createPriceVersion: PriceVersion;
  createProduct: Product;
  createProductLine: ProductLine;
  createRepTarget: RepTarget;
  createScorecardTemplate: ScorecardTemplate;
  createStaffMember: StaffMember;
  createTarget: Target;
  createTerritory: Territory;
  createWebhookEndpoint: WebhookEndpointWithSecret;
  decomposeTarget: TargetSplit;
  deleteWebhookEndpoint: Scalars['Boolean']['output'];
  dismissEvaluationAction: EvaluationAction;
  finaliseEvaluationRun: EvaluationRun;
  grantRecognitionAward: RecognitionAward;
  invoiceOrder: Invoice;
  lockTargetPeriod: PeriodLock;
  overrideOrder: Order;
  payIncentiveStatement: IncentiveStatement;
  /** No-op; modules add the real mutations */
  ping: Scalars['String']['output'];
  pingWebhookEndpoint: WebhookPingResult;
  publishChannelTerms: ChannelTerms;
  publishPriceVersion: PriceVersion;
  putApprovalPolicy: ApprovalPolicy;
  /** version: the version you read (0 before one is stored); a stale one fails with VERSION_CONFLICT */
  putRepScorecardDefinition: RepScorecardDefinition;
  recordApplicationChecks: ApplicationAssessment;
  recordApplicationScores: ApplicationAssessment;
  recordCollection: Collection;
  recordPriceObservation: PriceObservation;
  recordRebateEntry: RebateEntryResult;
  redeliverWebhook: WebhookDelivery;
  rejectApplication: Application;
  rejectApprovalStep: ApprovalRequest;
  rejectCrossRegionRequest: CrossRegionRequest;
  rejectPriceDeviation: PriceDeviation;
  renewAgreement: Agreement;
  requestPriceDeviation: PriceDeviation;
  retirePriceVersion: PriceVersion;
  revokeApiKey: ApiKey;
  /** overlapSeconds: how long the old secret keeps signing too (default 86400) */
  rotateWebhookSecret: WebhookEndpointWithSecret;
  /** The credit sweep of the caller's tenant on a day (default today): credit.overdue and credit.over_limit, each announced once */
  runCreditSweep: CreditSweepResult;
  /** Calculate a program for a period; program: id or code; dryRun stores nothing */
  runIncentiveProgram: IncentiveRunResult;
  /** Seed the national administrative divisions (GB/T 2260) down to depth: province | city | district; idempotent */
  seedTerritoryDivisions: TerritorySeedResult;
  setCreditLimit: CreditStatus;
  /** upserts manual KPI values (all or nothing); answers how many were written */
  setManualKpiValues: Scalars['Int']['output'];
  setPriceLines: PriceLinesResult;
  setScreening: Screening;
  shipOrder: Shipment;
  /** A changed rule set against a stored period; stores nothing. rules: the program's rule set (free-form, as in REST) */
  simulateIncentiveProgram: IncentiveSimulation;
  spendRebate: RebateSpendResult;
  startApplicationReview: Application;
  startEvaluationRun: EvaluationRun;
  submitApplication: Application;
  submitOrder: Order;
  terminateAgreement: Agreement;
  /** Lifecycle action with a reason; ILLEGAL_TRANSITION lists the allowed actions in extensions.allowed */
  transitionPartner: Partner;
  updateAgreement: Agreement;
  updateApplication: Application;
  updateChannelTerms: ChannelTerms;
  updateCreditAccount: CreditStatus;
  updateIncentiveProgram: IncentiveProgram;
  updateOrgUnit: OrgUnit;
  /** version: the version you read; a stale one fails with VERSION_CONFLICT */
  updatePartner: Partner;
  updatePriceVersion: PriceVersion;
  updateProduct: Product;
  updateProductLine: ProductLine;
  /** version: the version you read; a stale one fails with VERSION_CONFLICT */
  updateRepTarget: RepTarget;
  /** version: the template version you read; a stale one fails with VERSION_CONFLICT */
  updateScorecardTemplate: ScorecardTemplate;
  updateStaffMember: StaffMember;
  /** version: the version you read; a stale one fails with VERSION_CONFLICT */
  updateTarget: Target;
  updateTargetSettings: TargetSettings;
  updateTerritory: Territory;
  updateWebhookEndpoint: WebhookEndpoint;
  upsertPartnerByCode: Partner;
  withdrawApplication: Application;
};


export type MutationAcceptEvaluationActionArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationActivateAgreementArgs = {
  id: Scalars['ID']['input'];
};


export type MutationActivateIncentiveProgramArgs = {
  id: Scalars['ID']['input'];
};


export type MutationAddIncentiveManualLineArgs = {
  input: IncentiveManualLineInput;
};


export type MutationAddTemporaryCreditIncreaseArgs = {
  input: TemporaryCreditIncreaseInput;
  partner: Scalars['String']['input'];
};


export type MutationAllocateTargetArgs = {
  input: AllocateTargetInput;
};


export type MutationApproveApplicationArgs = {
  agreement?: InputMaybe<ApprovalAgreementInput>;
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationApproveApprovalStepArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationApproveCrossRegionRequestArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationApproveIncentiveStatementArgs = {
  id: Scalars['ID']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationApprovePriceDeviationArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationAssignPartnerOwnershipArgs = {
  input: OwnershipAssignInput;
};


export type MutationBulkAssignPartnerOwnershipArgs = {
  items: Array<OwnershipAssignInput>;
};


export type MutationCancelOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCheckEarlyWarningsArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  period?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCloseIncentiveProgramArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateAgreementArgs = {
  input: AgreementInput;
};


export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


export type MutationCreateApplicationArgs = {
  input: ApplicationInput;
  submit?: InputMaybe<Scalars['Boolean']['input']>;
};


export type MutationCreateApprovalRequestArgs = {
  input: ApprovalRequestInput;
};


export type MutationCreateChannelTermsArgs = {
  input: ChannelTermsInput;
};


export type MutationCreateChecklistItemKindArgs = {
  code: Scalars['String']['input'];
  name: Scalars['String']['input'];
  required?: InputMaybe<Scalars['Boolean']['input']>;
};


export type MutationCreateCrossRegionRequestArgs = {
  input: CrossRegionInput;
};


export type MutationCreateEarlyWarningRuleArgs = {
  input: CreateEarlyWarningRuleInput;
};


export type MutationCreateEvaluationActionRuleArgs = {
  input: CreateEvaluationActionRuleInput;
};


export type MutationCreateIncentiveProgramArgs = {
  input: CreateIncentiveProgramInput;
};


export type MutationCreateOrderArgs = {
  input: OrderInput;
};


export type MutationCreateOrgUnitArgs = {
  input: OrgUnitInput;
};


export type MutationCreatePartnerArgs = {
  input: CreatePartnerInput;
};


export type MutationCreatePricePolicyArgs = {
  input: CreatePricePolicyInput;
};


export type MutationCreatePriceVersionArgs = {
  input?: InputMaybe<CreatePriceVersionInput>;
  policyId: Scalars['ID']['input'];
};


export type MutationCreateProductArgs = {
  input: ProductInput;
};


export type MutationCreateProductLineArgs = {
  input: ProductLineInput;
};


export type MutationCreateRepTargetArgs = {
  input: CreateRepTargetInput;
};


export type MutationCreateScorecardTemplateArgs = {
  input: CreateScorecardTemplateInput;
};


export type MutationCreateStaffMemberArgs = {
  input: StaffMemberInput;
};


export type MutationCreateTargetArgs = {
  input: CreateTargetInput;
};


export type MutationCreateTerritoryArgs = {
  input: TerritoryInput;
};


export type MutationCreateWebhookEndpointArgs = {
  input: CreateWebhookEndpointInput;
};


export type MutationDecomposeTargetArgs = {
  input: DecomposeTargetInput;
};


export type MutationDeleteWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDismissEvaluationActionArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationFinaliseEvaluationRunArgs = {
  id: Scalars['ID']['input'];
};


export type MutationGrantRecognitionAwardArgs = {
  input: GrantAwardInput;
};


export type MutationInvoiceOrderArgs = {
  id: Scalars['ID']['input'];
  input: InvoiceInput;
};


export type MutationLockTargetPeriodArgs = {
  period: Scalars['String']['input'];
};


export type MutationOverrideOrderArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationPayIncentiveStatementArgs = {
  id: Scalars['ID']['input'];
  paymentReference: Scalars['String']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationPingWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type MutationPublishChannelTermsArgs = {
  effectiveFrom?: InputMaybe<Scalars['Date']['input']>;
  effectiveTo?: InputMaybe<Scalars['Date']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationPublishPriceVersionArgs = {
  effectiveFrom?: InputMaybe<Scalars['Date']['input']>;
  effectiveTo?: InputMaybe<Scalars['Date']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationPutApprovalPolicyArgs = {
  input: ApprovalPolicyInput;
  kind: ApprovalKind;
};


export type MutationPutRepScorecardDefinitionArgs = {
  input: RepScorecardDefinitionInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationRecordApplicationChecksArgs = {
  id: Scalars['ID']['input'];
  items: Array<CheckItemInput>;
};


export type MutationRecordApplicationScoresArgs = {
  id: Scalars['ID']['input'];
  scores: Array<ScoreInput>;
};


export type MutationRecordCollectionArgs = {
  input: CollectionInput;
};


export type MutationRecordPriceObservationArgs = {
  input: RecordPriceObservationInput;
};


export type MutationRecordRebateEntryArgs = {
  amount: Scalars['Decimal']['input'];
  kind: RebateManualKind;
  partnerId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationRedeliverWebhookArgs = {
  deliveryId: Scalars['ID']['input'];
  endpointId: Scalars['ID']['input'];
};


export type MutationRejectApplicationArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationRejectApprovalStepArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRejectCrossRegionRequestArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRejectPriceDeviationArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRenewAgreementArgs = {
  endDate: Scalars['Date']['input'];
  id: Scalars['ID']['input'];
  number?: InputMaybe<Scalars['String']['input']>;
  startDate?: InputMaybe<Scalars['Date']['input']>;
};


export type MutationRequestPriceDeviationArgs = {
  input: RequestPriceDeviationInput;
};


export type MutationRetirePriceVersionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRotateWebhookSecretArgs = {
  id: Scalars['ID']['input'];
  overlapSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationRunCreditSweepArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
};


export type MutationRunIncentiveProgramArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  period: Scalars['String']['input'];
  program: Scalars['String']['input'];
};


export type MutationSeedTerritoryDivisionsArgs = {
  depth?: InputMaybe<Scalars['String']['input']>;
};


export type MutationSetCreditLimitArgs = {
  input: CreditLimitInput;
  partner: Scalars['String']['input'];
};


export type MutationSetManualKpiValuesArgs = {
  values: Array<ManualKpiValueInput>;
};


export type MutationSetPriceLinesArgs = {
  lines: Array<PriceLineInput>;
  versionId: Scalars['ID']['input'];
};


export type MutationSetScreeningArgs = {
  criteria: Array<CriterionInput>;
  minScore?: InputMaybe<Scalars['Decimal']['input']>;
};


export type MutationShipOrderArgs = {
  id: Scalars['ID']['input'];
  input: ShipmentInput;
};


export type MutationSimulateIncentiveProgramArgs = {
  period?: InputMaybe<Scalars['String']['input']>;
  program: Scalars['String']['input'];
  rules: Scalars['JSON']['input'];
};


export type MutationSpendRebateArgs = {
  input: RebateSpendInput;
  partnerId: Scalars['ID']['input'];
};


export type MutationStartApplicationReviewArgs = {
  id: Scalars['ID']['input'];
};


export type MutationStartEvaluationRunArgs = {
  input: StartEvaluationRunInput;
};


export type MutationSubmitApplicationArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSubmitOrderArgs = {
  id: Scalars['ID']['input'];
};


export type MutationTerminateAgreementArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  reason: AgreementEndReason;
};


export type MutationTransitionPartnerArgs = {
  action: PartnerAction;
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationUpdateAgreementArgs = {
  id: Scalars['ID']['input'];
  input: AgreementInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateApplicationArgs = {
  id: Scalars['ID']['input'];
  input: ApplicationInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateChannelTermsArgs = {
  id: Scalars['ID']['input'];
  input: ChannelTermsInput;
};


export type MutationUpdateCreditAccountArgs = {
  input: CreditAccountUpdate;
  partner: Scalars['String']['input'];
};


export type MutationUpdateIncentiveProgramArgs = {
  id: Scalars['ID']['input'];
  input: UpdateIncentiveProgramInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateOrgUnitArgs = {
  id: Scalars['ID']['input'];
  input: OrgUnitUpdateInput;
};


export type MutationUpdatePartnerArgs = {
  id: Scalars['ID']['input'];
  input: UpdatePartnerInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdatePriceVersionArgs = {
  id: Scalars['ID']['input'];
  input: UpdatePriceVersionInput;
};


export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: ProductInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateProductLineArgs = {
  id: Scalars['ID']['input'];
  input: ProductLineInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateRepTargetArgs = {
  id: Scalars['ID']['input'];
  input: UpdateRepTargetInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateScorecardTemplateArgs = {
  idOrCode: Scalars['String']['input'];
  input: UpdateScorecardTemplateInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateStaffMemberArgs = {
  id: Scalars['ID']['input'];
  input: StaffMemberUpdateInput;
};


export type MutationUpdateTargetArgs = {
  id: Scalars['ID']['input'];
  input: UpdateTargetInput;
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationUpdateTargetSettingsArgs = {
  input: TargetSettingsInput;
};


export type MutationUpdateTerritoryArgs = {
  id: Scalars['ID']['input'];
  input: TerritoryInput;
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


export type MutationWithdrawApplicationArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

export type Order = {
  __typename?: 'Order';
  approvedOn?: Maybe<Scalars['Date']['output']>;
  cancelledOn?: Maybe<Scalars['Date']['output']>;
  createdAt: Scalars['DateTime']['output'];
  currency?: Maybe<Scalars['String']['output']>;
  externalId?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  invoicedOn?: Maybe<Scalars['Date']['output']>;
  lines: Array<OrderLine>;
  note?: Maybe<Scalars['String']['output']>;
  overrideReason?: Maybe<Scalars['String']['output']>;
  partnerId: Scalars['ID']['output'];
  /** total minus the rebate used: what is invoiced and counts against credit */
  payable?: Maybe<Scalars['Decimal']['output']>;
  paymentTermDays?: Maybe<Scalars['Int']['output']>;
  /** the part paid from the partner's rebate account (返利抵扣) */
  rebate?: Maybe<OrderRebate>;
  refusals: Array<OrderRefusal>;
  requestedDate: Scalars['Date']['output'];
  shipToAddress?: Maybe<Scalars['String']['output']>;
  shipToTerritoryId?: Maybe<Scalars['ID']['output']>;
  status: OrderStatus;
  submittedAt?: Maybe<Scalars['DateTime']['output']>;
  total?: Maybe<Scalars['Decimal']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type OrderCheck = {
  __typename?: 'OrderCheck';
  credit: OrderCheckCredit;
  currency?: Maybe<Scalars['String']['output']>;
  date: Scalars['Date']['output'];
  lines: Array<OrderCheckedLine>;
  orderId?: Maybe<Scalars['ID']['output']>;
  partnerId: Scalars['ID']['output'];
  payable?: Maybe<Scalars['Decimal']['output']>;
  rebate?: Maybe<OrderCheckRebate>;
  refusals: Array<OrderRefusal>;
  total?: Maybe<Scalars['Decimal']['output']>;
  wouldApprove: Scalars['Boolean']['output'];
};

export type OrderCheckCredit = {
  __typename?: 'OrderCheckCredit';
  available?: Maybe<Scalars['Decimal']['output']>;
  exposure: Scalars['Decimal']['output'];
  limit?: Maybe<Scalars['Decimal']['output']>;
  onHold: Scalars['Boolean']['output'];
};

export type OrderCheckRebate = {
  __typename?: 'OrderCheckRebate';
  amount: Scalars['Decimal']['output'];
  /** the partner's available rebate (with what this order already holds) */
  available: Scalars['Decimal']['output'];
  /** the most of this order payable from rebate (the program cap, never more than the total) */
  cap?: Maybe<Scalars['Decimal']['output']>;
  /** the rebate account currency (null: no account) */
  currency?: Maybe<Scalars['String']['output']>;
  programCode?: Maybe<Scalars['String']['output']>;
  programId?: Maybe<Scalars['ID']['output']>;
};

export type OrderCheckedLine = {
  __typename?: 'OrderCheckedLine';
  amount?: Maybe<Scalars['Decimal']['output']>;
  lineNo: Scalars['Int']['output'];
  /** the policy resolution with its explanation */
  pricing: ResolvedPrice;
  product: Scalars['String']['output'];
  productId?: Maybe<Scalars['ID']['output']>;
  quantity: Scalars['Decimal']['output'];
  requestedPrice?: Maybe<Scalars['Decimal']['output']>;
  unitPrice?: Maybe<Scalars['Decimal']['output']>;
};

export type OrderConnection = {
  __typename?: 'OrderConnection';
  edges: Array<OrderEdge>;
  nodes: Array<Order>;
  pageInfo: PageInfo;
};

export type OrderEdge = {
  __typename?: 'OrderEdge';
  cursor: Scalars['String']['output'];
  node: Order;
};

export type OrderInput = {
  currency?: InputMaybe<Scalars['String']['input']>;
  externalId?: InputMaybe<Scalars['String']['input']>;
  lines: Array<OrderLineInput>;
  note?: InputMaybe<Scalars['String']['input']>;
  partner?: InputMaybe<Scalars['String']['input']>;
  paymentTermDays?: InputMaybe<Scalars['Int']['input']>;
  rebate?: InputMaybe<OrderRebateInput>;
  requestedDate?: InputMaybe<Scalars['Date']['input']>;
  shipTo?: InputMaybe<Scalars['String']['input']>;
  shipToAddress?: InputMaybe<Scalars['String']['input']>;
};

export type OrderLine = {
  __typename?: 'OrderLine';
  amount?: Maybe<Scalars['Decimal']['output']>;
  lineNo: Scalars['Int']['output'];
  productCode: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  quantity: Scalars['Decimal']['output'];
  requestedPrice?: Maybe<Scalars['Decimal']['output']>;
  shippedQuantity: Scalars['Decimal']['output'];
  unitPrice?: Maybe<Scalars['Decimal']['output']>;
};

export type OrderLineInput = {
  product: Scalars['String']['input'];
  quantity: Scalars['Decimal']['input'];
  requestedPrice?: InputMaybe<Scalars['Decimal']['input']>;
};

export type OrderRebate = {
  __typename?: 'OrderRebate';
  amount: Scalars['Decimal']['output'];
  programId?: Maybe<Scalars['ID']['output']>;
  status: OrderRebateStatus;
};

export type OrderRebateInput = {
  amount: Scalars['Decimal']['input'];
  /** rebate program id or code whose per-order cap applies (default: the strictest active cap) */
  program?: InputMaybe<Scalars['String']['input']>;
};

/** requested (draft), reserved (submitted), released (cancelled), spent (invoiced) */
export type OrderRebateStatus =
  | 'released'
  | 'requested'
  | 'reserved'
  | 'spent';

export type OrderRefusal = {
  __typename?: 'OrderRefusal';
  code: Scalars['String']['output'];
  details?: Maybe<Scalars['JSON']['output']>;
  /** 1-based line number, or null for the order */
  line?: Maybe<Scalars['Int']['output']>;
  message: Scalars['String']['output'];
  overridable: Scalars['Boolean']['output'];
};

export type OrderStatus =
  | 'approved'
  | 'cancelled'
  | 'closed'
  | 'draft'
  | 'invoiced'
  | 'partially_shipped'
  | 'shipped'
  | 'submitted';

/** An org unit (销售组织): region, product division or team, in a tree */
export type OrgUnit = {
  __typename?: 'OrgUnit';
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: OrgUnitKind;
  name: Scalars['String']['output'];
  parent?: Maybe<OrgUnit>;
  parentId?: Maybe<Scalars['ID']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type OrgUnitConnection = {
  __typename?: 'OrgUnitConnection';
  edges: Array<OrgUnitEdge>;
  nodes: Array<OrgUnit>;
  pageInfo: PageInfo;
};

export type OrgUnitEdge = {
  __typename?: 'OrgUnitEdge';
  cursor: Scalars['String']['output'];
  node: OrgUnit;
};

export type OrgUnitInput = {
  code: Scalars['String']['input'];
  kind: OrgUnitKind;
  name: Scalars['String']['input'];
  /** parent unit id or code */
  parent?: InputMaybe<Scalars['String']['input']>;
};

export type OrgUnitKind =
  | 'product_division'
  | 'region'
  | 'team';

export type OrgUnitUpdateInput = {
  code?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<OrgUnitKind>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** null makes it a root */
  parent?: InputMaybe<Scalars['String']['input']>;
  version?: InputMaybe<Scalars['Int']['input']>;
};

export type OwnershipAssignInput = {
  accountManager?: InputMaybe<Scalars['String']['input']>;
  orgUnit: Scalars['String']['input'];
  partner: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  validFrom: Scalars['Date']['input'];
};

export type OwnershipBulkResult = {
  __typename?: 'OwnershipBulkResult';
  assigned: Array<PartnerOwnership>;
};

/**
 * Relay cursor connection paging. Every connection takes first/after (forward) and last/before (backward), 1-500 rows,
 * 50 when neither first nor last is given; first or after together with last or before is VALIDATION_FAILED.
 */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last row of this page (pass it as 'after' for the page after) */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Paging forward: more rows after this page. Paging backward: true before a cursor */
  hasNextPage: Scalars['Boolean']['output'];
  /** Paging backward: more rows before this page. Paging forward: true after a cursor (the cursor's row comes before) */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the first row of this page (pass it as 'before' for the page before) */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type PaidBasis =
  | 'approved'
  | 'paid';

export type Partner = {
  __typename?: 'Partner';
  /** achievement for a period (batched: one query for all partners in a result) */
  achievement?: Maybe<Achievement>;
  address?: Maybe<Address>;
  channel: PartnerChannel;
  /** Direct children in the network, by code (batched: one query for all partners in a result) */
  children: Array<Partner>;
  code: Scalars['String']['output'];
  contactEmail?: Maybe<Scalars['String']['output']>;
  contactName?: Maybe<Scalars['String']['output']>;
  contactPhone?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** credit on a date (batched: two statements for all partners in a result) */
  credit?: Maybe<CreditStatus>;
  /** finalised evaluation results, newest period first (batched) */
  evaluationHistory: Array<EvaluationHistoryEntry>;
  /** Lifecycle history, oldest first (batched) */
  history: Array<PartnerStatusChange>;
  id: Scalars['ID']['output'];
  /** computed stock per product on a date (batched: one statement for all partners in a result) */
  inventory: Array<InventoryPosition>;
  /** the newest finalised evaluation result of the partner (batched) */
  latestEvaluation?: Maybe<EvaluationHistoryEntry>;
  legalName: Scalars['String']['output'];
  /** orders of the partner (batched: two statements for all partners in a result) */
  orders: Array<Order>;
  /** The parent in a tiered network (batched) */
  parent?: Maybe<Partner>;
  parentId?: Maybe<Scalars['ID']['output']>;
  regionCode?: Maybe<Scalars['String']['output']>;
  /** Territories and authorised products valid on a date (default today), from the partner_territory_rights view */
  rights: Array<TerritoryRight>;
  status: PartnerStatus;
  tier?: Maybe<Scalars['String']['output']>;
  type: PartnerType;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};


export type PartnerAchievementArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  metric?: InputMaybe<TargetMetric>;
  period: Scalars['String']['input'];
  productLineId?: InputMaybe<Scalars['ID']['input']>;
  territoryId?: InputMaybe<Scalars['ID']['input']>;
};


export type PartnerCreditArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
};


export type PartnerEvaluationHistoryArgs = {
  template?: InputMaybe<Scalars['String']['input']>;
};


export type PartnerInventoryArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
  from?: InputMaybe<Scalars['Date']['input']>;
  product?: InputMaybe<Scalars['String']['input']>;
  window?: InputMaybe<Scalars['Int']['input']>;
};


export type PartnerLatestEvaluationArgs = {
  template?: InputMaybe<Scalars['String']['input']>;
};


export type PartnerOrdersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<OrderStatus>;
};


export type PartnerRightsArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
};

export type PartnerAction =
  | 'activate'
  | 'approve'
  | 'reinstate'
  | 'reject'
  | 'review'
  | 'suspend'
  | 'terminate';

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

/** A period of a partner's ownership; validTo is exclusive, null while current */
export type PartnerOwnership = {
  __typename?: 'PartnerOwnership';
  accountManagerId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  orgUnit?: Maybe<OrgUnit>;
  orgUnitId: Scalars['ID']['output'];
  partnerId: Scalars['ID']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  validFrom: Scalars['Date']['output'];
  validTo?: Maybe<Scalars['Date']['output']>;
};

export type PartnerOwnershipConnection = {
  __typename?: 'PartnerOwnershipConnection';
  edges: Array<PartnerOwnershipEdge>;
  nodes: Array<PartnerOwnership>;
  pageInfo: PageInfo;
};

export type PartnerOwnershipEdge = {
  __typename?: 'PartnerOwnershipEdge';
  cursor: Scalars['String']['output'];
  node: PartnerOwnership;
};

export type PartnerStatus =
  | 'active'
  | 'applicant'
  | 'approved'
  | 'rejected'
  | 'suspended'
  | 'terminated'
  | 'under_review';

export type PartnerStatusChange = {
  __typename?: 'PartnerStatusChange';
  action: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  from?: Maybe<PartnerStatus>;
  id: Scalars['ID']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  /** who made the change */
  subject: Scalars['String']['output'];
  to: PartnerStatus;
};

export type PartnerType =
  | 'agent'
  | 'dealer'
  | 'distributor'
  | 'retailer'
  | 'wholesaler';

export type PeriodLock = {
  __typename?: 'PeriodLock';
  lockedAt: Scalars['DateTime']['output'];
  lockedBy: Scalars['String']['output'];
  period: Scalars['String']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
};

export type PolicyScope = {
  __typename?: 'PolicyScope';
  kind: PolicyScopeKind;
  value?: Maybe<Scalars['String']['output']>;
};

export type PolicyScopeInput = {
  kind: PolicyScopeKind;
  value?: InputMaybe<Scalars['String']['input']>;
};

export type PolicyScopeKind =
  | 'channel'
  | 'default'
  | 'partner'
  | 'partner_type'
  | 'tier';

export type PolicyVersionStatus =
  | 'draft'
  | 'published'
  | 'retired';

export type PriceCandidate = {
  __typename?: 'PriceCandidate';
  currency: Scalars['String']['output'];
  /** what this candidate would have charged per unit */
  distributionPrice: Scalars['Decimal']['output'];
  effectiveFrom: Scalars['Date']['output'];
  effectiveTo?: Maybe<Scalars['Date']['output']>;
  level: PriceLevel;
  /** less_specific | superseded_version | not_in_force */
  lost: Scalars['String']['output'];
  minResalePrice?: Maybe<Scalars['Decimal']['output']>;
  policyCode: Scalars['String']['output'];
  scope: PolicyScope;
  suggestedRetailPrice: Scalars['Decimal']['output'];
  versionId: Scalars['ID']['output'];
  versionNumber: Scalars['Int']['output'];
};

export type PriceDeviation = {
  __typename?: 'PriceDeviation';
  createdAt: Scalars['DateTime']['output'];
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  decidedBy?: Maybe<Scalars['String']['output']>;
  decisionNote?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  kind: DeviationKind;
  partnerId: Scalars['ID']['output'];
  price: Scalars['Decimal']['output'];
  productCode: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  requestedBy: Scalars['String']['output'];
  status: DeviationStatus;
  validFrom: Scalars['Date']['output'];
  validTo: Scalars['Date']['output'];
  version: Scalars['Int']['output'];
};

export type PriceDeviationConnection = {
  __typename?: 'PriceDeviationConnection';
  edges: Array<PriceDeviationEdge>;
  nodes: Array<PriceDeviation>;
  pageInfo: PageInfo;
};

export type PriceDeviationEdge = {
  __typename?: 'PriceDeviationEdge';
  cursor: Scalars['String']['output'];
  node: PriceDeviation;
};

export type PriceLevel =
  | 'product'
  | 'product_line';

export type PriceLineInput = {
  distributionPrice: Scalars['Decimal']['input'];
  minResalePrice?: InputMaybe<Scalars['Decimal']['input']>;
  product?: InputMaybe<Scalars['String']['input']>;
  productLine?: InputMaybe<Scalars['String']['input']>;
  suggestedRetailPrice: Scalars['Decimal']['input'];
};

export type PriceLinesResult = {
  __typename?: 'PriceLinesResult';
  created: Scalars['Int']['output'];
  unchanged: Scalars['Int']['output'];
  updated: Scalars['Int']['output'];
};

export type PriceObservation = {
  __typename?: 'PriceObservation';
  createdAt: Scalars['DateTime']['output'];
  currency?: Maybe<Scalars['String']['output']>;
  date: Scalars['Date']['output'];
  deviationId?: Maybe<Scalars['ID']['output']>;
  id: Scalars['ID']['output'];
  isViolation: Scalars['Boolean']['output'];
  minResalePrice?: Maybe<Scalars['Decimal']['output']>;
  partnerId: Scalars['ID']['output'];
  price: Scalars['Decimal']['output'];
  priceVersionId?: Maybe<Scalars['ID']['output']>;
  productCode: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  reference?: Maybe<Scalars['String']['output']>;
  shortfall?: Maybe<Scalars['Decimal']['output']>;
  source: Scalars['String']['output'];
};

export type PriceObservationConnection = {
  __typename?: 'PriceObservationConnection';
  edges: Array<PriceObservationEdge>;
  nodes: Array<PriceObservation>;
  pageInfo: PageInfo;
};

export type PriceObservationEdge = {
  __typename?: 'PriceObservationEdge';
  cursor: Scalars['String']['output'];
  node: PriceObservation;
};

export type PricePolicy = {
  __typename?: 'PricePolicy';
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  currency: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  scope: PolicyScope;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
  /** All versions by number (batched: one query for all policies in a result) */
  versions: Array<PriceVersion>;
};

export type PricePolicyConnection = {
  __typename?: 'PricePolicyConnection';
  edges: Array<PricePolicyEdge>;
  nodes: Array<PricePolicy>;
  pageInfo: PageInfo;
};

export type PricePolicyEdge = {
  __typename?: 'PricePolicyEdge';
  cursor: Scalars['String']['output'];
  node: PricePolicy;
};

export type PriceSource = {
  __typename?: 'PriceSource';
  effectiveFrom: Scalars['Date']['output'];
  effectiveTo?: Maybe<Scalars['Date']['output']>;
  level: PriceLevel;
  policyCode: Scalars['String']['output'];
  policyId: Scalars['ID']['output'];
  policyName: Scalars['String']['output'];
  priceLineId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  scope: PolicyScope;
  versionId: Scalars['ID']['output'];
  versionNumber: Scalars['Int']['output'];
};

export type PriceVersion = {
  __typename?: 'PriceVersion';
  copiedFromId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** Volume and payment-term rules (see docs/policy.md) */
  discountRules: Scalars['JSON']['output'];
  effectiveFrom?: Maybe<Scalars['Date']['output']>;
  effectiveTo?: Maybe<Scalars['Date']['output']>;
  id: Scalars['ID']['output'];
  lineCount: Scalars['Int']['output'];
  note?: Maybe<Scalars['String']['output']>;
  number: Scalars['Int']['output'];
  policyId: Scalars['ID']['output'];
  publishedAt?: Maybe<Scalars['DateTime']['output']>;
  retiredAt?: Maybe<Scalars['DateTime']['output']>;
  status: PolicyVersionStatus;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type Product = {
  __typename?: 'Product';
  active: Scalars['Boolean']['output'];
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** batched */
  line?: Maybe<ProductLine>;
  lineId?: Maybe<Scalars['ID']['output']>;
  name: Scalars['String']['output'];
  unit: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ProductAuthorizationInput = {
  productId?: InputMaybe<Scalars['ID']['input']>;
  productLineId?: InputMaybe<Scalars['ID']['input']>;
};

export type ProductConnection = {
  __typename?: 'ProductConnection';
  edges: Array<ProductEdge>;
  nodes: Array<Product>;
  pageInfo: PageInfo;
};

export type ProductEdge = {
  __typename?: 'ProductEdge';
  cursor: Scalars['String']['output'];
  node: Product;
};

export type ProductFilter = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  lineId?: InputMaybe<Scalars['ID']['input']>;
  q?: InputMaybe<Scalars['String']['input']>;
};

export type ProductInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  code?: InputMaybe<Scalars['String']['input']>;
  lineCode?: InputMaybe<Scalars['String']['input']>;
  lineId?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  unit?: InputMaybe<Scalars['String']['input']>;
};

export type ProductLine = {
  __typename?: 'ProductLine';
  active: Scalars['Boolean']['output'];
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ProductLineConnection = {
  __typename?: 'ProductLineConnection';
  edges: Array<ProductLineEdge>;
  nodes: Array<ProductLine>;
  pageInfo: PageInfo;
};

export type ProductLineEdge = {
  __typename?: 'ProductLineEdge';
  cursor: Scalars['String']['output'];
  node: ProductLine;
};

export type ProductLineInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  code?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};

export type ProgramEffectiveness = {
  __typename?: 'ProgramEffectiveness';
  change: ProgramEffectivenessChange;
  currency: Scalars['String']['output'];
  current: ProgramEffectivenessSide;
  priorYear: ProgramEffectivenessSide;
  programCode: Scalars['String']['output'];
  programId: Scalars['ID']['output'];
  programName: Scalars['String']['output'];
  segment?: Maybe<Scalars['String']['output']>;
};

export type ProgramEffectivenessChange = {
  __typename?: 'ProgramEffectivenessChange';
  costToSalesPoints?: Maybe<Scalars['Decimal']['output']>;
  coveredSales: Scalars['Decimal']['output'];
  paid: Scalars['Decimal']['output'];
};

export type ProgramEffectivenessSide = {
  __typename?: 'ProgramEffectivenessSide';
  costToSalesPct?: Maybe<Scalars['Decimal']['output']>;
  coveredSales: Scalars['Decimal']['output'];
  paid: Scalars['Decimal']['output'];
  partners: Scalars['Int']['output'];
};

export type ProgramSegment =
  | 'partner_type'
  | 'territory'
  | 'tier';

export type Query = {
  __typename?: 'Query';
  agreement?: Maybe<Agreement>;
  agreements: AgreementConnection;
  /** actual, target and achievement rolled up a tree (REST GET /v1/analytics/rollup) */
  analyticsRollup: Rollup;
  apiKeys: Array<ApiKey>;
  application?: Maybe<Application>;
  applicationAssessment: ApplicationAssessment;
  applications: ApplicationConnection;
  approvalPolicies: Array<ApprovalPolicy>;
  approvalPolicy?: Maybe<ApprovalPolicy>;
  approvalRequest?: Maybe<ApprovalRequest>;
  approvalRequests: ApprovalRequestConnection;
  auditEntries: AuditEntryConnection;
  /** May the partner sell the product in the territory on the date? Ids or codes. */
  authorizationCheck: AuthorizationCheck;
  channelInventory: InventoryPositionConnection;
  channelTerms?: Maybe<ChannelTerms>;
  /** what a submit would answer; writes nothing */
  checkOrder: OrderCheck;
  /** a checklist item kind by the tenant's code (REST GET /v1/onboarding/checklist-items/by-code/{code}) */
  checklistItemKindByCode?: Maybe<ChecklistItemKind>;
  checklistItemKinds: Array<ChecklistItemKind>;
  creditAging: CreditAging;
  crossRegionRequest?: Maybe<CrossRegionRequest>;
  crossRegionRequests: CrossRegionRequestConnection;
  earlyWarningRule?: Maybe<EarlyWarningRule>;
  earlyWarningRuleByCode?: Maybe<EarlyWarningRule>;
  /** early-warning rules by code */
  earlyWarningRules: EarlyWarningRuleConnection;
  earlyWarnings: EarlyWarningConnection;
  evaluationActionRule?: Maybe<EvaluationActionRule>;
  evaluationActionRuleByCode?: Maybe<EvaluationActionRule>;
  /** action rules by code */
  evaluationActionRules: EvaluationActionRuleConnection;
  evaluationActions: EvaluationActionConnection;
  evaluationGradeDistribution: GradeDistribution;
  /** KPI averages of a run by territory (home region) or partner type */
  evaluationKpiAverages: Array<KpiAverage>;
  evaluationResults: EvaluationResultConnection;
  evaluationRun?: Maybe<EvaluationRun>;
  evaluationRuns: EvaluationRunConnection;
  events: EventFeed;
  incentiveProgram?: Maybe<IncentiveProgram>;
  incentiveProgramByCode?: Maybe<IncentiveProgram>;
  incentivePrograms: IncentiveProgramConnection;
  /** How far a partner is from the next tier; program: id or code */
  incentiveProjection: IncentiveProjection;
  incentiveRun?: Maybe<IncentiveRun>;
  /** Line-by-line comparison of two runs */
  incentiveRunDiff: IncentiveRunDiff;
  incentiveRuns: IncentiveRunConnection;
  incentiveStatement?: Maybe<IncentiveStatement>;
  incentiveStatements: IncentiveStatementConnection;
  inventoryReconciliation: InventoryReconciliationConnection;
  inventoryReconciliationLines: InventoryTracedLines;
  job?: Maybe<Job>;
  me: Me;
  /** The staff member the caller signs in as */
  myStaffMember?: Maybe<StaffMember>;
  /** partners with a target or an actual in the period, ranked by achievement */
  networkAchievement: AchievementConnection;
  order?: Maybe<Order>;
  orders: OrderConnection;
  /** An org unit by id or code */
  orgUnit?: Maybe<OrgUnit>;
  orgUnits: OrgUnitConnection;
  partner?: Maybe<Partner>;
  partnerByCode?: Maybe<Partner>;
  partnerCredit?: Maybe<CreditStatus>;
  partnerOwnership?: Maybe<PartnerOwnership>;
  partnerOwnershipHistory: Array<PartnerOwnership>;
  /** Current ownerships (on asOf) by org subtree or account manager; the caller's data scope applies */
  partnerOwnerships: PartnerOwnershipConnection;
  partners: PartnerConnection;
  priceDeviation?: Maybe<PriceDeviation>;
  priceDeviations: PriceDeviationConnection;
  pricePolicies: PricePolicyConnection;
  pricePolicy?: Maybe<PricePolicy>;
  pricePolicyByCode?: Maybe<PricePolicy>;
  priceVersion?: Maybe<PriceVersion>;
  priceViolations: PriceObservationConnection;
  product?: Maybe<Product>;
  productLine?: Maybe<ProductLine>;
  productLines: ProductLineConnection;
  products: ProductConnection;
  /** per incentive program and partner segment: paid vs covered sales and the change against a year earlier */
  programEffectiveness: Array<ProgramEffectiveness>;
  /** asOf: end of that day; omitted: now */
  rebateBalance?: Maybe<RebateBalance>;
  /** Ledger entries, newest first */
  rebateLedger: RebateLedgerConnection;
  recognitionAwards: RecognitionAwardConnection;
  repAchievement?: Maybe<RepAchievement>;
  /** sales reps with a target or attributed sell-through in the period, ranked by achievement */
  repAchievements: RepAchievementConnection;
  repScorecard?: Maybe<RepScorecard>;
  repScorecardDefinition: RepScorecardDefinition;
  /** the sales reps the caller sees, ranked by total */
  repScorecards: RepScorecardConnection;
  repTarget?: Maybe<RepTarget>;
  repTargets: RepTargetConnection;
  /** One product's price for a partner on a date, with the chain that produced it */
  resolvePrice: ResolvedPrice;
  /** Up to 1,000 lines for one partner in a bounded number of SQL statements */
  resolvePrices: ResolvePricesResult;
  resolveTerms: ResolvedTerms;
  /** seasonal forecast with the run-rate for comparison (REST GET /v1/analytics/forecast) */
  salesForecast: SalesForecast;
  /** monthly totals by group with year-over-year (REST GET /v1/analytics/trends) */
  salesTrends: SalesTrends;
  scorecardTemplate?: Maybe<ScorecardTemplate>;
  scorecardTemplates: ScorecardTemplateConnection;
  screening: Screening;
  /** dry run of a changed template against a finalised run: nothing is stored */
  simulateEvaluation: EvaluationSimulation;
  /** A staff member by id or code */
  staffMember?: Maybe<StaffMember>;
  staffMembers: StaffMemberConnection;
  target?: Maybe<Target>;
  targetSettings: TargetSettings;
  targets: TargetConnection;
  territories: TerritoryConnection;
  territory?: Maybe<Territory>;
  /** each partner's share of its home territory (REST GET /v1/analytics/territory-share) */
  territoryShare: Array<TerritoryShare>;
  /** The caller as the server sees it */
  viewer: Viewer;
  webhookEndpoint?: Maybe<WebhookEndpoint>;
  webhookEndpoints: Array<WebhookEndpoint>;
};


export type QueryAgreementArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAgreementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AgreementFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAnalyticsRollupArgs = {
  metric?: InputMaybe<RollupMetric>;
  period: Scalars['String']['input'];
  tree?: InputMaybe<Scalars['String']['input']>;
};


export type QueryApiKeysArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryApplicationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryApplicationAssessmentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryApplicationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<ApplicationStatus>;
};


export type QueryApprovalPolicyArgs = {
  kind: ApprovalKind;
};


export type QueryApprovalRequestArgs = {
  id: Scalars['ID']['input'];
};


export type QueryApprovalRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<ApprovalKind>;
  last?: InputMaybe<Scalars['Int']['input']>;
  mine?: InputMaybe<Scalars['Boolean']['input']>;
  status?: InputMaybe<ApprovalStatus>;
};


export type QueryAuditEntriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAuthorizationCheckArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
  partner: Scalars['String']['input'];
  product: Scalars['String']['input'];
  territory: Scalars['String']['input'];
};


export type QueryChannelInventoryArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  date?: InputMaybe<Scalars['Date']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['Date']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partner?: InputMaybe<Scalars['String']['input']>;
  product?: InputMaybe<Scalars['String']['input']>;
  window?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryChannelTermsArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCheckOrderArgs = {
  input: OrderInput;
};


export type QueryChecklistItemKindByCodeArgs = {
  code: Scalars['String']['input'];
};


export type QueryCreditAgingArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
  partner?: InputMaybe<Scalars['String']['input']>;
};


export type QueryCrossRegionRequestArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCrossRegionRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<CrossRegionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryEarlyWarningRuleArgs = {
  id: Scalars['ID']['input'];
};


export type QueryEarlyWarningRuleByCodeArgs = {
  code: Scalars['String']['input'];
};


export type QueryEarlyWarningRulesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryEarlyWarningsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  period?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<WarningStatus>;
};


export type QueryEvaluationActionRuleArgs = {
  id: Scalars['ID']['input'];
};


export type QueryEvaluationActionRuleByCodeArgs = {
  code: Scalars['String']['input'];
};


export type QueryEvaluationActionRulesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryEvaluationActionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  run?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<EvaluationActionStatus>;
};


export type QueryEvaluationGradeDistributionArgs = {
  run: Scalars['ID']['input'];
};


export type QueryEvaluationKpiAveragesArgs = {
  by: KpiAverageGroup;
  run: Scalars['ID']['input'];
};


export type QueryEvaluationResultsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  complete?: InputMaybe<Scalars['Boolean']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  grade?: InputMaybe<Scalars['String']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  run: Scalars['ID']['input'];
};


export type QueryEvaluationRunArgs = {
  id: Scalars['ID']['input'];
};


export type QueryEvaluationRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  period?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<EvaluationRunStatus>;
  template?: InputMaybe<Scalars['String']['input']>;
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type QueryIncentiveProgramArgs = {
  id: Scalars['ID']['input'];
};


export type QueryIncentiveProgramByCodeArgs = {
  code: Scalars['String']['input'];
};


export type QueryIncentiveProgramsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<IncentiveProgramStatus>;
  type?: InputMaybe<IncentiveProgramType>;
};


export type QueryIncentiveProjectionArgs = {
  partnerId: Scalars['ID']['input'];
  period?: InputMaybe<Scalars['String']['input']>;
  program: Scalars['String']['input'];
};


export type QueryIncentiveRunArgs = {
  id: Scalars['ID']['input'];
};


export type QueryIncentiveRunDiffArgs = {
  against: Scalars['ID']['input'];
  run: Scalars['ID']['input'];
};


export type QueryIncentiveRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  period?: InputMaybe<Scalars['String']['input']>;
  programId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryIncentiveStatementArgs = {
  id: Scalars['ID']['input'];
};


export type QueryIncentiveStatementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  period?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<IncentiveStatementStatus>;
};


export type QueryInventoryReconciliationArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from: Scalars['Date']['input'];
  last?: InputMaybe<Scalars['Int']['input']>;
  partner?: InputMaybe<Scalars['String']['input']>;
  product?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['Date']['input']>;
};


export type QueryInventoryReconciliationLinesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from: Scalars['Date']['input'];
  partner: Scalars['String']['input'];
  product: Scalars['String']['input'];
  to?: InputMaybe<Scalars['Date']['input']>;
};


export type QueryJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNetworkAchievementArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  asOf?: InputMaybe<Scalars['Date']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  metric?: InputMaybe<TargetMetric>;
  period: Scalars['String']['input'];
  productLineId?: InputMaybe<Scalars['ID']['input']>;
  territoryId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partner?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<OrderStatus>;
};


export type QueryOrgUnitArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrgUnitsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<OrgUnitKind>;
  last?: InputMaybe<Scalars['Int']['input']>;
  parent?: InputMaybe<Scalars['String']['input']>;
};


export type QueryPartnerArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPartnerByCodeArgs = {
  code: Scalars['String']['input'];
};


export type QueryPartnerCreditArgs = {
  date?: InputMaybe<Scalars['Date']['input']>;
  partner: Scalars['String']['input'];
};


export type QueryPartnerOwnershipArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  partner: Scalars['String']['input'];
};


export type QueryPartnerOwnershipHistoryArgs = {
  partner: Scalars['String']['input'];
};


export type QueryPartnerOwnershipsArgs = {
  accountManager?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  asOf?: InputMaybe<Scalars['Date']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  orgUnit?: InputMaybe<Scalars['String']['input']>;
};


export type QueryPartnersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<PartnerFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPriceDeviationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPriceDeviationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partner?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<DeviationStatus>;
};


export type QueryPricePoliciesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  scopeKind?: InputMaybe<PolicyScopeKind>;
};


export type QueryPricePolicyArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPricePolicyByCodeArgs = {
  code: Scalars['String']['input'];
};


export type QueryPriceVersionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPriceViolationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['Date']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partner?: InputMaybe<Scalars['ID']['input']>;
  to?: InputMaybe<Scalars['Date']['input']>;
};


export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductLineArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductLinesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<CatalogFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryProgramEffectivenessArgs = {
  include?: InputMaybe<PaidBasis>;
  period: Scalars['String']['input'];
  segment?: InputMaybe<ProgramSegment>;
};


export type QueryRebateBalanceArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  partnerId: Scalars['ID']['input'];
};


export type QueryRebateLedgerArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partnerId: Scalars['ID']['input'];
};


export type QueryRecognitionAwardsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  period?: InputMaybe<Scalars['String']['input']>;
  programId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryRepAchievementArgs = {
  metric?: InputMaybe<RepTargetMetric>;
  period: Scalars['String']['input'];
  rep: Scalars['String']['input'];
};


export type QueryRepAchievementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  metric?: InputMaybe<RepTargetMetric>;
  period: Scalars['String']['input'];
};


export type QueryRepScorecardArgs = {
  period: Scalars['String']['input'];
  rep: Scalars['String']['input'];
};


export type QueryRepScorecardsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  period: Scalars['String']['input'];
};


export type QueryRepTargetArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRepTargetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  metric?: InputMaybe<RepTargetMetric>;
  period?: InputMaybe<Scalars['String']['input']>;
  rep?: InputMaybe<Scalars['String']['input']>;
};


export type QueryResolvePriceArgs = {
  channel?: InputMaybe<SaleChannel>;
  date?: InputMaybe<Scalars['Date']['input']>;
  partner: Scalars['String']['input'];
  paymentTermDays?: InputMaybe<Scalars['Int']['input']>;
  product: Scalars['String']['input'];
  quantity?: InputMaybe<Scalars['Decimal']['input']>;
};


export type QueryResolvePricesArgs = {
  input: ResolvePricesInput;
};


export type QueryResolveTermsArgs = {
  channel?: InputMaybe<SaleChannel>;
  date?: InputMaybe<Scalars['Date']['input']>;
  partner: Scalars['String']['input'];
};


export type QuerySalesForecastArgs = {
  asOf: Scalars['String']['input'];
  horizon?: InputMaybe<Scalars['Int']['input']>;
  partner?: InputMaybe<Scalars['String']['input']>;
  partnerType?: InputMaybe<Scalars['String']['input']>;
  seasonYears?: InputMaybe<Scalars['Int']['input']>;
  stream?: InputMaybe<AnalyticsStream>;
  window?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySalesTrendsArgs = {
  by?: InputMaybe<TrendGroupBy>;
  from: Scalars['String']['input'];
  partnerType?: InputMaybe<Scalars['String']['input']>;
  stream?: InputMaybe<AnalyticsStream>;
  to: Scalars['String']['input'];
};


export type QueryScorecardTemplateArgs = {
  idOrCode: Scalars['String']['input'];
};


export type QueryScorecardTemplatesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySimulateEvaluationArgs = {
  gradeBands?: InputMaybe<Array<GradeBandInput>>;
  kpis?: InputMaybe<Array<KpiDefinitionInput>>;
  run: Scalars['ID']['input'];
};


export type QueryStaffMemberArgs = {
  id: Scalars['ID']['input'];
};


export type QueryStaffMembersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  orgUnit?: InputMaybe<Scalars['String']['input']>;
  post?: InputMaybe<StaffPost>;
};


export type QueryTargetArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTargetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TargetFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryTerritoriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TerritoryFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryTerritoryArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTerritoryShareArgs = {
  from: Scalars['String']['input'];
  granularity?: InputMaybe<ShareGranularity>;
  stream?: InputMaybe<AnalyticsStream>;
  territory?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['String']['input'];
};


export type QueryWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type QueryWebhookEndpointsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type RebateBalance = {
  __typename?: 'RebateBalance';
  accrued: Scalars['Decimal']['output'];
  asOf?: Maybe<Scalars['Date']['output']>;
  available: Scalars['Decimal']['output'];
  currency: Scalars['String']['output'];
  expired: Scalars['Decimal']['output'];
  paidOut: Scalars['Decimal']['output'];
  partnerId: Scalars['ID']['output'];
  /** Held for submitted orders (already out of available): released on cancel, spent on invoice */
  reserved: Scalars['Decimal']['output'];
  spent: Scalars['Decimal']['output'];
};

export type RebateEntryResult = {
  __typename?: 'RebateEntryResult';
  balance: RebateBalance;
  entry: RebateLedgerEntry;
};

export type RebateLedgerConnection = {
  __typename?: 'RebateLedgerConnection';
  edges: Array<RebateLedgerEdge>;
  nodes: Array<RebateLedgerEntry>;
  pageInfo: PageInfo;
};

export type RebateLedgerEdge = {
  __typename?: 'RebateLedgerEdge';
  cursor: Scalars['String']['output'];
  node: RebateLedgerEntry;
};

export type RebateLedgerEntry = {
  __typename?: 'RebateLedgerEntry';
  amount: Scalars['Decimal']['output'];
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  entryDate: Scalars['Date']['output'];
  id: Scalars['ID']['output'];
  kind: RebateLedgerKind;
  orderRef?: Maybe<Scalars['String']['output']>;
  partnerId: Scalars['ID']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  statementId?: Maybe<Scalars['ID']['output']>;
};

export type RebateLedgerKind =
  | 'accrue'
  | 'expire'
  | 'pay_out'
  | 'release'
  | 'spend';

export type RebateManualKind =
  | 'expire'
  | 'pay_out'
  | 'release';

export type RebateOrderCap = {
  __typename?: 'RebateOrderCap';
  /** at most this amount (program currency) per order */
  maxAmount?: Maybe<Scalars['Decimal']['output']>;
  /** at most this % of the order total */
  maxPercent?: Maybe<Scalars['Decimal']['output']>;
};

export type RebateOrderCapInput = {
  maxAmount?: InputMaybe<Scalars['Decimal']['input']>;
  maxPercent?: InputMaybe<Scalars['Decimal']['input']>;
};

export type RebateSpendInput = {
  amount: Scalars['Decimal']['input'];
  maxPercent?: InputMaybe<Scalars['Decimal']['input']>;
  orderAmount?: InputMaybe<Scalars['Decimal']['input']>;
  orderRef: Scalars['String']['input'];
};

export type RebateSpendResult = {
  __typename?: 'RebateSpendResult';
  balance: RebateBalance;
  entry: RebateLedgerEntry;
  replayed: Scalars['Boolean']['output'];
};

export type RecognitionAward = {
  __typename?: 'RecognitionAward';
  basis?: Maybe<Scalars['JSON']['output']>;
  citation?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  grantedBy: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  partnerId: Scalars['ID']['output'];
  period: Scalars['String']['output'];
  programId?: Maybe<Scalars['ID']['output']>;
  rank?: Maybe<Scalars['Int']['output']>;
  title: Scalars['String']['output'];
};

export type RecognitionAwardConnection = {
  __typename?: 'RecognitionAwardConnection';
  edges: Array<RecognitionAwardEdge>;
  nodes: Array<RecognitionAward>;
  pageInfo: PageInfo;
};

export type RecognitionAwardEdge = {
  __typename?: 'RecognitionAwardEdge';
  cursor: Scalars['String']['output'];
  node: RecognitionAward;
};

export type RecordPriceObservationInput = {
  date: Scalars['Date']['input'];
  partner: Scalars['String']['input'];
  price: Scalars['Decimal']['input'];
  product: Scalars['String']['input'];
  reference?: InputMaybe<Scalars['String']['input']>;
  source: Scalars['String']['input'];
};

export type RepAchievement = {
  __typename?: 'RepAchievement';
  /** actual / target x 100, 2 decimals half-up */
  achievementPct?: Maybe<Scalars['Decimal']['output']>;
  /** sell-through attributed to the rep in the period */
  actual: Scalars['Decimal']['output'];
  gap?: Maybe<Scalars['Decimal']['output']>;
  metric: RepTargetMetric;
  orgUnitId?: Maybe<Scalars['ID']['output']>;
  /** distinct partners the rep sold through in the period */
  partners: Scalars['Int']['output'];
  period: Scalars['String']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
  rank?: Maybe<Scalars['Int']['output']>;
  repCode: Scalars['String']['output'];
  repId: Scalars['ID']['output'];
  repName: Scalars['String']['output'];
  target?: Maybe<Scalars['Decimal']['output']>;
};

export type RepAchievementConnection = {
  __typename?: 'RepAchievementConnection';
  edges: Array<RepAchievementEdge>;
  nodes: Array<RepAchievement>;
  pageInfo: PageInfo;
};

export type RepAchievementEdge = {
  __typename?: 'RepAchievementEdge';
  cursor: Scalars['String']['output'];
  node: RepAchievement;
};

export type RepKpiDefinition = {
  __typename?: 'RepKpiDefinition';
  code: Scalars['String']['output'];
  defaultValue?: Maybe<Scalars['Decimal']['output']>;
  direction: KpiDirection;
  kind: RepKpiKind;
  name: Scalars['String']['output'];
  scoring: ScoringRule;
  weight: Scalars['Decimal']['output'];
};

export type RepKpiDefinitionInput = {
  code: Scalars['String']['input'];
  defaultValue?: InputMaybe<Scalars['Decimal']['input']>;
  /** default higher */
  direction?: InputMaybe<KpiDirection>;
  kind: RepKpiKind;
  name: Scalars['String']['input'];
  scoring: ScoringRuleInput;
  weight: Scalars['Decimal']['input'];
};

export type RepKpiKind =
  | 'achievement'
  | 'growth_yoy'
  | 'partners'
  | 'sell_through_amount';

export type RepScorecard = {
  __typename?: 'RepScorecard';
  achievementPct?: Maybe<Scalars['Decimal']['output']>;
  complete: Scalars['Boolean']['output'];
  definitionVersion: Scalars['Int']['output'];
  grade?: Maybe<Scalars['String']['output']>;
  kpis: Array<RepScorecardKpi>;
  missing: Array<Scalars['String']['output']>;
  orgUnitId?: Maybe<Scalars['ID']['output']>;
  partners: Scalars['Int']['output'];
  period: Scalars['String']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
  previousYearAmount: Scalars['Decimal']['output'];
  rank?: Maybe<Scalars['Int']['output']>;
  repCode: Scalars['String']['output'];
  repId: Scalars['ID']['output'];
  repName: Scalars['String']['output'];
  sellThroughAmount: Scalars['Decimal']['output'];
  target?: Maybe<Scalars['Decimal']['output']>;
  total?: Maybe<Scalars['Decimal']['output']>;
};

export type RepScorecardConnection = {
  __typename?: 'RepScorecardConnection';
  edges: Array<RepScorecardEdge>;
  nodes: Array<RepScorecard>;
  pageInfo: PageInfo;
};

export type RepScorecardDefinition = {
  __typename?: 'RepScorecardDefinition';
  gradeBands: Array<GradeBand>;
  isDefault: Scalars['Boolean']['output'];
  kpis: Array<RepKpiDefinition>;
  note?: Maybe<Scalars['String']['output']>;
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** 0: the built-in default (nothing stored) */
  version: Scalars['Int']['output'];
};

export type RepScorecardDefinitionInput = {
  gradeBands: Array<GradeBandInput>;
  kpis: Array<RepKpiDefinitionInput>;
  note?: InputMaybe<Scalars['String']['input']>;
};

export type RepScorecardEdge = {
  __typename?: 'RepScorecardEdge';
  cursor: Scalars['String']['output'];
  node: RepScorecard;
};

export type RepScorecardKpi = {
  __typename?: 'RepScorecardKpi';
  code: Scalars['String']['output'];
  defaulted: Scalars['Boolean']['output'];
  kind: RepKpiKind;
  name: Scalars['String']['output'];
  score?: Maybe<Scalars['Decimal']['output']>;
  value?: Maybe<Scalars['Decimal']['output']>;
  weight: Scalars['Decimal']['output'];
  /** points added to the total: score x weight / 100 */
  weighted?: Maybe<Scalars['Decimal']['output']>;
};

export type RepTarget = {
  __typename?: 'RepTarget';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  metric: RepTargetMetric;
  note?: Maybe<Scalars['String']['output']>;
  period: Scalars['String']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
  /** the staff member (post sales_rep) */
  repId: Scalars['ID']['output'];
  updatedAt: Scalars['DateTime']['output'];
  value: Scalars['Decimal']['output'];
  version: Scalars['Int']['output'];
};

export type RepTargetConnection = {
  __typename?: 'RepTargetConnection';
  edges: Array<RepTargetEdge>;
  nodes: Array<RepTarget>;
  pageInfo: PageInfo;
};

export type RepTargetEdge = {
  __typename?: 'RepTargetEdge';
  cursor: Scalars['String']['output'];
  node: RepTarget;
};

export type RepTargetMetric =
  | 'quantity'
  | 'sales_amount';

export type RequestPriceDeviationInput = {
  partner?: InputMaybe<Scalars['String']['input']>;
  price: Scalars['Decimal']['input'];
  product: Scalars['String']['input'];
  reason: Scalars['String']['input'];
  validFrom: Scalars['Date']['input'];
  validTo: Scalars['Date']['input'];
};

export type ResolveLineInput = {
  product: Scalars['String']['input'];
  quantity?: InputMaybe<Scalars['Decimal']['input']>;
};

export type ResolvePricesInput = {
  channel?: InputMaybe<SaleChannel>;
  date?: InputMaybe<Scalars['Date']['input']>;
  lines: Array<ResolveLineInput>;
  partner: Scalars['String']['input'];
  paymentTermDays?: InputMaybe<Scalars['Int']['input']>;
};

export type ResolvePricesResult = {
  __typename?: 'ResolvePricesResult';
  date: Scalars['Date']['output'];
  lines: Array<ResolvedPrice>;
  partner: ResolvedPartner;
  paymentTermDays?: Maybe<Scalars['Int']['output']>;
};

export type ResolvedPartner = {
  __typename?: 'ResolvedPartner';
  channel: Scalars['String']['output'];
  code: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  tier?: Maybe<Scalars['String']['output']>;
  type: Scalars['String']['output'];
};

export type ResolvedPrice = {
  __typename?: 'ResolvedPrice';
  currency?: Maybe<Scalars['String']['output']>;
  deviation?: Maybe<AppliedDeviation>;
  discountSource?: Maybe<DiscountSource>;
  discounts: Array<DiscountStep>;
  distributionPrice?: Maybe<Scalars['Decimal']['output']>;
  grossAmount?: Maybe<Scalars['Decimal']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  minResalePrice?: Maybe<Scalars['Decimal']['output']>;
  netAmount?: Maybe<Scalars['Decimal']['output']>;
  netUnitPrice?: Maybe<Scalars['Decimal']['output']>;
  passedOver: Array<PriceCandidate>;
  product: Scalars['String']['output'];
  productId?: Maybe<Scalars['ID']['output']>;
  quantity: Scalars['Decimal']['output'];
  source?: Maybe<PriceSource>;
  /** priced | unpriced | unknown_product */
  status: Scalars['String']['output'];
  suggestedRetailPrice?: Maybe<Scalars['Decimal']['output']>;
};

export type ResolvedTerms = {
  __typename?: 'ResolvedTerms';
  creditCurrency: TermString;
  creditLimit: TermDecimal;
  crossRegionSelling: TermString;
  date: Scalars['Date']['output'];
  discountRules: TermJson;
  partnerId: Scalars['ID']['output'];
  paymentTermsDays: TermInt;
  returnConditions: TermString;
  returnWindowDays: TermInt;
  territoryExclusivity: TermBoolean;
};

export type Rollup = {
  __typename?: 'Rollup';
  data: Array<RollupNode>;
  from: Scalars['Date']['output'];
  metric: RollupMetric;
  period: Scalars['String']['output'];
  to: Scalars['Date']['output'];
  tree: Scalars['String']['output'];
  unassigned?: Maybe<RollupNode>;
};

export type RollupMetric =
  | 'collection_amount'
  | 'quantity'
  | 'sales_amount';

export type RollupNode = {
  __typename?: 'RollupNode';
  achievementPct?: Maybe<Scalars['Decimal']['output']>;
  actual: Scalars['Decimal']['output'];
  code?: Maybe<Scalars['String']['output']>;
  depth: Scalars['Int']['output'];
  name?: Maybe<Scalars['String']['output']>;
  nodeId: Scalars['String']['output'];
  ownActual: Scalars['Decimal']['output'];
  parentId?: Maybe<Scalars['String']['output']>;
  partners: Scalars['Int']['output'];
  target?: Maybe<Scalars['Decimal']['output']>;
};

export type SaleChannel =
  | 'offline'
  | 'online';

export type SalesBasis =
  | 'sell_in'
  | 'sell_through';

export type SalesForecast = {
  __typename?: 'SalesForecast';
  asOf: Scalars['String']['output'];
  forecast: Array<ForecastMonth>;
  history: Array<MonthAmount>;
  level: Scalars['Decimal']['output'];
  method: ForecastMethod;
  runRate: Scalars['Decimal']['output'];
  seasonalIndex: Array<SeasonalIndex>;
  stream: AnalyticsStream;
};

export type SalesTrends = {
  __typename?: 'SalesTrends';
  by: TrendGroupBy;
  data: Array<TrendRow>;
  from: Scalars['String']['output'];
  stream: AnalyticsStream;
  to: Scalars['String']['output'];
};

export type ScoreInput = {
  criterion: Scalars['String']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  score: Scalars['Decimal']['input'];
};

export type ScoreLine = {
  __typename?: 'ScoreLine';
  criterion: Scalars['String']['output'];
  score?: Maybe<Scalars['Decimal']['output']>;
  weight: Scalars['Decimal']['output'];
  weighted?: Maybe<Scalars['Decimal']['output']>;
};

export type ScoreSummary = {
  __typename?: 'ScoreSummary';
  breakdown: Array<ScoreLine>;
  meetsMinimum: Scalars['Boolean']['output'];
  minScore?: Maybe<Scalars['Decimal']['output']>;
  missingCriteria: Array<Scalars['String']['output']>;
  total?: Maybe<Scalars['Decimal']['output']>;
};

export type ScorecardTemplate = {
  __typename?: 'ScorecardTemplate';
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  current: ScorecardTemplateVersion;
  id: Scalars['ID']['output'];
  latestVersion: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ScorecardTemplateConnection = {
  __typename?: 'ScorecardTemplateConnection';
  edges: Array<ScorecardTemplateEdge>;
  nodes: Array<ScorecardTemplate>;
  pageInfo: PageInfo;
};

export type ScorecardTemplateEdge = {
  __typename?: 'ScorecardTemplateEdge';
  cursor: Scalars['String']['output'];
  node: ScorecardTemplate;
};

export type ScorecardTemplateVersion = {
  __typename?: 'ScorecardTemplateVersion';
  createdAt: Scalars['DateTime']['output'];
  gradeBands: Array<GradeBand>;
  kpis: Array<KpiDefinition>;
  note?: Maybe<Scalars['String']['output']>;
  /** a run used this version: it can no longer change */
  used: Scalars['Boolean']['output'];
  versionNo: Scalars['Int']['output'];
};

export type ScoringBand = {
  __typename?: 'ScoringBand';
  score: Scalars['Decimal']['output'];
  threshold: Scalars['Decimal']['output'];
};

export type ScoringBandInput = {
  score: Scalars['Decimal']['input'];
  threshold: Scalars['Decimal']['input'];
};

/** linear: floor and target (and cap); banded: bands (and otherwise) */
export type ScoringRule = {
  __typename?: 'ScoringRule';
  bands?: Maybe<Array<ScoringBand>>;
  cap?: Maybe<Scalars['Decimal']['output']>;
  floor?: Maybe<Scalars['Decimal']['output']>;
  otherwise?: Maybe<Scalars['Decimal']['output']>;
  target?: Maybe<Scalars['Decimal']['output']>;
  type: ScoringType;
};

export type ScoringRuleInput = {
  bands?: InputMaybe<Array<ScoringBandInput>>;
  cap?: InputMaybe<Scalars['Decimal']['input']>;
  floor?: InputMaybe<Scalars['Decimal']['input']>;
  otherwise?: InputMaybe<Scalars['Decimal']['input']>;
  target?: InputMaybe<Scalars['Decimal']['input']>;
  type: ScoringType;
};

export type ScoringType =
  | 'banded'
  | 'linear';

export type Screening = {
  __typename?: 'Screening';
  criteria: Array<ScreeningCriterion>;
  minScore?: Maybe<Scalars['Decimal']['output']>;
};

export type ScreeningCriterion = {
  __typename?: 'ScreeningCriterion';
  code: Scalars['String']['output'];
  name: Scalars['String']['output'];
  weight: Scalars['Decimal']['output'];
};

export type SeasonalIndex = {
  __typename?: 'SeasonalIndex';
  calendarMonth: Scalars['Int']['output'];
  index: Scalars['Decimal']['output'];
};

export type ShareGranularity =
  | 'month'
  | 'period';

export type Shipment = {
  __typename?: 'Shipment';
  amount: Scalars['Decimal']['output'];
  createdAt: Scalars['DateTime']['output'];
  externalId: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lines: Array<ShipmentLine>;
  orderId: Scalars['ID']['output'];
  shippedOn: Scalars['Date']['output'];
};

export type ShipmentInput = {
  externalId: Scalars['String']['input'];
  lines: Array<ShipmentLineInput>;
  shippedOn: Scalars['Date']['input'];
};

export type ShipmentLine = {
  __typename?: 'ShipmentLine';
  amount: Scalars['Decimal']['output'];
  lineNo: Scalars['Int']['output'];
  quantity: Scalars['Decimal']['output'];
};

export type ShipmentLineInput = {
  lineNo: Scalars['Int']['input'];
  quantity: Scalars['Decimal']['input'];
};

/** A staff member of the brand, linked to identity subjects (JWT sub, API key id) */
export type StaffMember = {
  __typename?: 'StaffMember';
  active: Scalars['Boolean']['output'];
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  dataScope: DataScope;
  email?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  orgUnit?: Maybe<OrgUnit>;
  orgUnitId?: Maybe<Scalars['ID']['output']>;
  post: StaffPost;
  /** a sales rep's achievement (batched: one query for all staff members in a result; null for other posts) */
  repAchievement?: Maybe<RepAchievement>;
  subjects: Array<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};


/** A staff member of the brand, linked to identity subjects (JWT sub, API key id) */
export type StaffMemberRepAchievementArgs = {
  metric?: InputMaybe<RepTargetMetric>;
  period: Scalars['String']['input'];
};

export type StaffMemberConnection = {
  __typename?: 'StaffMemberConnection';
  edges: Array<StaffMemberEdge>;
  nodes: Array<StaffMember>;
  pageInfo: PageInfo;
};

export type StaffMemberEdge = {
  __typename?: 'StaffMemberEdge';
  cursor: Scalars['String']['output'];
  node: StaffMember;
};

export type StaffMemberInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  code: Scalars['String']['input'];
  dataScope?: InputMaybe<DataScope>;
  email?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  orgUnit?: InputMaybe<Scalars['String']['input']>;
  post: StaffPost;
  subjects?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type StaffMemberUpdateInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  code?: InputMaybe<Scalars['String']['input']>;
  dataScope?: InputMaybe<DataScope>;
  email?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  orgUnit?: InputMaybe<Scalars['String']['input']>;
  post?: InputMaybe<StaffPost>;
  subjects?: InputMaybe<Array<Scalars['String']['input']>>;
  version?: InputMaybe<Scalars['Int']['input']>;
};

export type StaffPost =
  | 'account_manager'
  | 'channel_director'
  | 'finance'
  | 'regional_manager'
  | 'sales_rep';

export type StartEvaluationRunInput = {
  allowDefaults?: InputMaybe<Scalars['Boolean']['input']>;
  /** partner ids or codes; default every active partner */
  partners?: InputMaybe<Array<Scalars['String']['input']>>;
  period: Scalars['String']['input'];
  /** template id or code */
  template: Scalars['String']['input'];
  templateVersion?: InputMaybe<Scalars['Int']['input']>;
};

export type Target = {
  __typename?: 'Target';
  /** the agreement this target is an appendix of */
  agreementId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  metric: TargetMetric;
  note?: Maybe<Scalars['String']['output']>;
  partnerId: Scalars['ID']['output'];
  period: Scalars['String']['output'];
  periodEnd: Scalars['Date']['output'];
  periodStart: Scalars['Date']['output'];
  productLineId?: Maybe<Scalars['ID']['output']>;
  territoryId?: Maybe<Scalars['ID']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  value: Scalars['Decimal']['output'];
  version: Scalars['Int']['output'];
};

export type TargetConnection = {
  __typename?: 'TargetConnection';
  edges: Array<TargetEdge>;
  nodes: Array<Target>;
  pageInfo: PageInfo;
};

export type TargetEdge = {
  __typename?: 'TargetEdge';
  cursor: Scalars['String']['output'];
  node: Target;
};

export type TargetFilter = {
  metric?: InputMaybe<TargetMetric>;
  partnerId?: InputMaybe<Scalars['ID']['input']>;
  period?: InputMaybe<Scalars['String']['input']>;
};

export type TargetMetric =
  | 'collection_amount'
  | 'new_customers'
  | 'quantity'
  | 'sales_amount';

export type TargetPart = {
  __typename?: 'TargetPart';
  partnerId?: Maybe<Scalars['ID']['output']>;
  period: Scalars['String']['output'];
  targetId?: Maybe<Scalars['ID']['output']>;
  value: Scalars['Decimal']['output'];
};

export type TargetSettings = {
  __typename?: 'TargetSettings';
  /** 1 = calendar year; fiscal years are named by the calendar year they start in */
  fiscalYearStartMonth: Scalars['Int']['output'];
  salesBasis: SalesBasis;
  version: Scalars['Int']['output'];
};

export type TargetSettingsInput = {
  fiscalYearStartMonth?: InputMaybe<Scalars['Int']['input']>;
  salesBasis?: InputMaybe<SalesBasis>;
};

export type TargetSplit = {
  __typename?: 'TargetSplit';
  metric: TargetMetric;
  parts: Array<TargetPart>;
  period: Scalars['String']['output'];
  saved: Scalars['Boolean']['output'];
  total: Scalars['Decimal']['output'];
  unit: Scalars['Decimal']['output'];
};

export type TemporaryCreditIncreaseInput = {
  amount: Scalars['Decimal']['input'];
  currency: Scalars['String']['input'];
  effectiveFrom: Scalars['Date']['input'];
  expiresOn: Scalars['Date']['input'];
  reason: Scalars['String']['input'];
};

export type TermBoolean = {
  __typename?: 'TermBoolean';
  scope?: Maybe<PolicyScope>;
  termsId?: Maybe<Scalars['ID']['output']>;
  value?: Maybe<Scalars['Boolean']['output']>;
};

export type TermDecimal = {
  __typename?: 'TermDecimal';
  scope?: Maybe<PolicyScope>;
  termsId?: Maybe<Scalars['ID']['output']>;
  value?: Maybe<Scalars['Decimal']['output']>;
};

export type TermInt = {
  __typename?: 'TermInt';
  scope?: Maybe<PolicyScope>;
  termsId?: Maybe<Scalars['ID']['output']>;
  value?: Maybe<Scalars['Int']['output']>;
};

export type TermJson = {
  __typename?: 'TermJSON';
  scope?: Maybe<PolicyScope>;
  termsId?: Maybe<Scalars['ID']['output']>;
  value?: Maybe<Scalars['JSON']['output']>;
};

export type TermString = {
  __typename?: 'TermString';
  scope?: Maybe<PolicyScope>;
  termsId?: Maybe<Scalars['ID']['output']>;
  value?: Maybe<Scalars['String']['output']>;
};

export type Territory = {
  __typename?: 'Territory';
  active: Scalars['Boolean']['output'];
  /** batched */
  children: Array<Territory>;
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  level?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** batched */
  parent?: Maybe<Territory>;
  parentId?: Maybe<Scalars['ID']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type TerritoryAssignmentInput = {
  exclusive?: InputMaybe<Scalars['Boolean']['input']>;
  productLineId?: InputMaybe<Scalars['ID']['input']>;
  territoryId: Scalars['ID']['input'];
};

export type TerritoryConnection = {
  __typename?: 'TerritoryConnection';
  edges: Array<TerritoryEdge>;
  nodes: Array<Territory>;
  pageInfo: PageInfo;
};

export type TerritoryEdge = {
  __typename?: 'TerritoryEdge';
  cursor: Scalars['String']['output'];
  node: Territory;
};

export type TerritoryFilter = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  level?: InputMaybe<Scalars['String']['input']>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
  q?: InputMaybe<Scalars['String']['input']>;
  root?: InputMaybe<Scalars['Boolean']['input']>;
};

export type TerritoryInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  code?: InputMaybe<Scalars['String']['input']>;
  level?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
};

export type TerritoryRight = {
  __typename?: 'TerritoryRight';
  productCode?: Maybe<Scalars['String']['output']>;
  productId?: Maybe<Scalars['ID']['output']>;
  productLineCode?: Maybe<Scalars['String']['output']>;
  productLineId?: Maybe<Scalars['ID']['output']>;
  source: Scalars['String']['output'];
  territoryCode: Scalars['String']['output'];
  territoryId: Scalars['ID']['output'];
  validFrom?: Maybe<Scalars['Date']['output']>;
  validTo?: Maybe<Scalars['Date']['output']>;
};

export type TerritorySeedResult = {
  __typename?: 'TerritorySeedResult';
  created: Scalars['Int']['output'];
  depth: Scalars['String']['output'];
  existing: Scalars['Int']['output'];
};

export type TerritoryShare = {
  __typename?: 'TerritoryShare';
  amount: Scalars['Decimal']['output'];
  month?: Maybe<Scalars['String']['output']>;
  partnerCode: Scalars['String']['output'];
  partnerId: Scalars['ID']['output'];
  rank: Scalars['Int']['output'];
  /** 4 decimals, largest remainder: the shares of a territory sum to exactly 100 */
  sharePct?: Maybe<Scalars['Decimal']['output']>;
  territoryAmount: Scalars['Decimal']['output'];
  territoryCode: Scalars['String']['output'];
  territoryId: Scalars['ID']['output'];
};

export type TrendGroup = {
  __typename?: 'TrendGroup';
  code?: Maybe<Scalars['String']['output']>;
  /** partner id, partner type, home territory code, product line id or sale territory id; null: the total, or none */
  key?: Maybe<Scalars['String']['output']>;
  name?: Maybe<Scalars['String']['output']>;
};

export type TrendGroupBy =
  | 'partner'
  | 'partner_type'
  | 'product_line'
  | 'sale_territory'
  | 'territory'
  | 'total';

export type TrendRow = {
  __typename?: 'TrendRow';
  amount: Scalars['Decimal']['output'];
  changeAmount: Scalars['Decimal']['output'];
  /** change x 100 / |prior|, 2 decimals; null when the prior year is 0 */
  changePct?: Maybe<Scalars['Decimal']['output']>;
  group: TrendGroup;
  lines: Scalars['Int']['output'];
  /** YYYY-MM */
  month: Scalars['String']['output'];
  /** the same month a year earlier (0 when none) */
  priorYearAmount: Scalars['Decimal']['output'];
  quantity: Scalars['Decimal']['output'];
};

export type UpdateIncentiveProgramInput = {
  base?: InputMaybe<Scalars['JSON']['input']>;
  currency?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  eligibility?: InputMaybe<Scalars['JSON']['input']>;
  granularity?: InputMaybe<IncentiveGranularity>;
  name?: InputMaybe<Scalars['String']['input']>;
  orderCap?: InputMaybe<RebateOrderCapInput>;
  rules?: InputMaybe<Scalars['JSON']['input']>;
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

export type UpdatePriceVersionInput = {
  discountRules?: InputMaybe<Scalars['JSON']['input']>;
  effectiveFrom?: InputMaybe<Scalars['Date']['input']>;
  effectiveTo?: InputMaybe<Scalars['Date']['input']>;
  note?: InputMaybe<Scalars['String']['input']>;
  version?: InputMaybe<Scalars['Int']['input']>;
};

export type UpdateRepTargetInput = {
  note?: InputMaybe<Scalars['String']['input']>;
  value?: InputMaybe<Scalars['Decimal']['input']>;
};

export type UpdateScorecardTemplateInput = {
  gradeBands: Array<GradeBandInput>;
  kpis: Array<KpiDefinitionInput>;
  name?: InputMaybe<Scalars['String']['input']>;
  note?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateTargetInput = {
  agreementId?: InputMaybe<Scalars['ID']['input']>;
  note?: InputMaybe<Scalars['String']['input']>;
  value?: InputMaybe<Scalars['Decimal']['input']>;
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

export type WarningCheckResult = {
  __typename?: 'WarningCheckResult';
  asOf: Scalars['Date']['output'];
  closed: Array<EarlyWarning>;
  opened: Array<EarlyWarning>;
  period: Scalars['String']['output'];
  stillOpen: Scalars['Int']['output'];
};

export type WarningKind =
  | 'achievement_behind_run_rate'
  | 'collections_overdue'
  | 'inventory_days_above'
  | 'new_violation';

export type WarningStatus =
  | 'closed'
  | 'open';

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
