/**
 * The seeded records, shaped exactly as Twenty's core GraphQL API returns them (2.43 standard
 * objects; HOST-CONTRACT.md §C), so that the sandbox can serve them as they are. Fields are
 * mutable on purpose: the sandbox's in-memory store owns these records and updates them.
 */

/** Who wrote a record (Twenty's ACTOR composite); `workspaceMemberId` null for integrations. */
export type ActorSource = 'MANUAL' | 'IMPORT' | 'API';

export interface Actor {
  source: ActorSource;
  workspaceMemberId: string | null;
  name: string;
  context: Record<string, never>;
}

/** The fields every Twenty record carries. */
export interface RecordBase {
  id: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  position: number;
  createdBy: Actor;
  updatedBy: Actor;
}

export interface FullName {
  firstName: string;
  lastName: string;
}

export interface LinkItem {
  url: string;
  label: string;
}

/** Twenty's LINKS composite; an empty link has `primaryLinkUrl: ''`. */
export interface Links {
  primaryLinkUrl: string;
  primaryLinkLabel: string;
  secondaryLinks: LinkItem[];
}

/** Twenty's CURRENCY composite; `amountMicros` is the amount × 1,000,000, null when unknown. */
export interface Currency {
  amountMicros: number | null;
  currencyCode: string;
}

export interface Address {
  addressStreet1: string;
  addressStreet2: string;
  addressCity: string;
  addressState: string;
  addressPostcode: string;
  addressCountry: string;
  addressLat: number | null;
  addressLng: number | null;
}

export interface Emails {
  primaryEmail: string;
  additionalEmails: string[];
}

export interface PhoneItem {
  number: string;
  countryCode: string;
  callingCode: string;
}

/** Twenty's PHONES composite; an empty phone has `primaryPhoneNumber: ''`. */
export interface Phones {
  primaryPhoneNumber: string;
  primaryPhoneCountryCode: string;
  primaryPhoneCallingCode: string;
  additionalPhones: PhoneItem[];
}

export interface WorkspaceMemberRecord extends RecordBase {
  name: FullName;
  userEmail: string;
  userId: string;
  avatarUrl: string;
  locale: string;
  timeZone: string;
  jobTitle: string;
}

export interface CompanyRecord extends RecordBase {
  name: string;
  domainName: Links;
  address: Address;
  employees: number | null;
  linkedinLink: Links;
  xLink: Links;
  annualRecurringRevenue: Currency;
  idealCustomerProfile: boolean;
  accountOwnerId: string | null;
}

/** A contact; its owner, for Tiergate, is `createdBy.workspaceMemberId`. */
export interface PersonRecord extends RecordBase {
  name: FullName;
  emails: Emails;
  phones: Phones;
  jobTitle: string;
  city: string;
  avatarUrl: string;
  linkedinLink: Links;
  xLink: Links;
  companyId: string | null;
}

export const OPPORTUNITY_STAGES = ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'] as const;
/** Twenty's default pipeline; CUSTOMER is a won deal, and there is no lost stage. */
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];

export interface OpportunityRecord extends RecordBase {
  name: string;
  amount: Currency;
  closeDate: string | null;
  stage: OpportunityStage;
  companyId: string | null;
  pointOfContactId: string | null;
  ownerId: string | null;
}

export const SEED_ROLES = ['sales-rep', 'sales-manager', 'analyst', 'support'] as const;
export type SeedRoleId = (typeof SEED_ROLES)[number];

/** Tiergate's tiers, lowest first (POLICY.md §1). */
export const SEED_TIERS = ['intern', 'junior', 'intermediate', 'senior', 'director'] as const;
export type SeedTierId = (typeof SEED_TIERS)[number];

/** What Tiergate knows of a member beyond the CRM record: role, tier, teams and manager. */
export interface SeedMemberOrg {
  roleId: SeedRoleId;
  tier: SeedTierId;
  teams: string[];
  /** The member's manager's id; null only for the root of the manager tree. */
  managerId: string | null;
}

export interface SeedMember {
  record: WorkspaceMemberRecord;
  org: SeedMemberOrg;
}

export interface SeedTeam {
  id: string;
  label: string;
  parentId: string | null;
  children: string[];
}

export interface SeedCounts {
  members: number;
  companies: number;
  people: number;
  opportunities: number;
}

export interface SeedData {
  members: SeedMember[];
  teams: SeedTeam[];
  companies: CompanyRecord[];
  people: PersonRecord[];
  opportunities: OpportunityRecord[];
}
