import type { Generated, Insertable, Selectable } from 'kysely';

/** The shape of every table, as Kysely sees it. One interface per table, named after it. */
export interface Database {
  organisations: OrganisationsTable;
  partnerships: PartnershipsTable;
  partnership_members: PartnershipMembersTable;
  boundaries: BoundariesTable;
  postcodes: PostcodesTable;
  services: ServicesTable;
  service_links: ServiceLinksTable;
  reference_imports: ReferenceImportsTable;
}

export type OrganisationType = 'council' | 'advice_agency' | 'police' | 'health' | 'fire_and_rescue' | 'housing' | 'other';
export type CouncilTier = 'county' | 'district' | 'unitary';

export interface OrganisationsTable {
  id: Generated<number>;
  gss: string | null;
  slug: string;
  name: string;
  type: OrganisationType;
  tier: CouncilTier | null;
  parent_gss: string | null;
  homepage_url: string | null;
  created_at: Generated<Date>;
}
export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;

export type PartnershipKind = 'national' | 'regional' | 'shire' | 'local';

export interface PartnershipsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  kind: PartnershipKind;
  description: Generated<string>;
  created_at: Generated<Date>;
}

export interface PartnershipMembersTable {
  partnership_id: number;
  organisation_id: number;
}

export type BoundaryLevel = 'lower' | 'upper';

export interface BoundariesTable {
  gss: string;
  level: BoundaryLevel;
  name: string;
  /** GeoJSON Polygon or MultiPolygon, WGS84. */
  geometry: unknown;
  min_longitude: number;
  min_latitude: number;
  max_longitude: number;
  max_latitude: number;
}

export interface PostcodesTable {
  postcode: string;
  latitude: number;
  longitude: number;
  lower_tier_gss: string;
  /** Empty for a unitary area, where one body serves both tiers. */
  county_gss: string | null;
  ward_gss: string | null;
}

export type ServiceTier = 'district/unitary' | 'county/unitary' | 'all';

export interface ServicesTable {
  lgsl: number;
  slug: string;
  title: string;
  description: string;
  tier: ServiceTier;
  in_current_list: boolean;
}
export type Service = Selectable<ServicesTable>;

export interface ServiceLinksTable {
  organisation_id: number;
  lgsl: number;
  lgil: number;
  url: string;
}

export interface ReferenceImportsTable {
  dataset: string;
  checksum: string;
  row_count: number;
  imported_at: Generated<Date>;
}
