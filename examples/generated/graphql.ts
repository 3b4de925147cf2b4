/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type PartnerFilter = {
  parentId?: string | number | null | undefined;
  /** search in legal name and code */
  q?: string | null | undefined;
  status?: PartnerStatus | null | undefined;
  tier?: string | null | undefined;
  type?: PartnerType | null | undefined;
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

export type PartnersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: PartnerFilter | null | undefined;
}>;


export type PartnersQuery = { partners: { nodes: Array<{ id: string, code: string, legalName: string, type: PartnerType, status: PartnerStatus, tier: string | null, version: number, parent: { code: string } | null, children: Array<{ code: string }> }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };
