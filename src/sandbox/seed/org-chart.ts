/**
 * The seeded organisation's chart: the team tree, the teams that a lead runs with reps under
 * them, the heads above the leads, and how long each tier has typically been with the company.
 * Data only; `org.ts` turns it into members.
 */
import type { Culture } from './names.js';
import type { Weighted } from './prng.js';
import type { SeedRoleId, SeedTierId } from './records.js';

export interface TeamNode {
  readonly id: string;
  readonly label: string;
  readonly parentId: string | null;
}

export const TEAM_TREE: readonly TeamNode[] = [
  { id: 'sales', label: 'Sales', parentId: null },
  { id: 'emea', label: 'Sales EMEA', parentId: 'sales' },
  { id: 'emea-north', label: 'Sales EMEA North', parentId: 'emea' },
  { id: 'emea-central', label: 'Sales EMEA Central', parentId: 'emea' },
  { id: 'emea-south', label: 'Sales EMEA South', parentId: 'emea' },
  { id: 'americas', label: 'Sales Americas', parentId: 'sales' },
  { id: 'americas-east', label: 'Sales Americas East', parentId: 'americas' },
  { id: 'americas-west', label: 'Sales Americas West', parentId: 'americas' },
  { id: 'apac', label: 'Sales APAC', parentId: 'sales' },
  { id: 'support', label: 'Customer support', parentId: null },
  { id: 'support-emea', label: 'Support EMEA', parentId: 'support' },
  { id: 'support-americas', label: 'Support Americas', parentId: 'support' },
  { id: 'analytics', label: 'Revenue analytics', parentId: null },
];

export type RepTier = Extract<SeedTierId, 'intern' | 'junior' | 'intermediate'>;

/** A team led by a team lead, with reps under it; `share` splits the reps between teams. */
export interface LedTeam {
  readonly id: string;
  readonly leadTitle: string;
  readonly leadRole: SeedRoleId;
  readonly repRole: SeedRoleId;
  readonly repTitles: Readonly<Record<RepTier, string>>;
  readonly repTiers: Weighted<RepTier>;
  readonly share: number;
  readonly timeZone: string;
  readonly culture: Culture;
}

const SALES_TITLES = {
  intern: 'Sales Intern',
  junior: 'Sales Development Representative',
  intermediate: 'Account Executive',
};
const SALES_TIERS: Weighted<RepTier> = [
  ['intern', 0.15],
  ['junior', 0.5],
  ['intermediate', 0.35],
];
const SUPPORT_TITLES = {
  intern: 'Support Intern',
  junior: 'Support Specialist',
  intermediate: 'Senior Support Specialist',
};

const salesTeam = (id: string, share: number, timeZone: string, culture: Culture): LedTeam => ({
  id,
  leadTitle: `Sales Manager, ${TEAM_TREE.find((t) => t.id === id)?.label.slice(6) ?? id}`,
  leadRole: 'sales-manager',
  repRole: 'sales-rep',
  repTitles: SALES_TITLES,
  repTiers: SALES_TIERS,
  share,
  timeZone,
  culture,
});

export const LED_TEAMS: readonly LedTeam[] = [
  salesTeam('emea-north', 7, 'Europe/London', 'nordic'),
  salesTeam('emea-central', 6, 'Europe/Berlin', 'german'),
  salesTeam('emea-south', 6, 'Europe/Madrid', 'romance'),
  salesTeam('americas-east', 7, 'America/New_York', 'anglo'),
  salesTeam('americas-west', 6, 'America/Los_Angeles', 'anglo'),
  salesTeam('apac', 6, 'Asia/Singapore', 'asian'),
  ...(['support-emea', 'support-americas'] as const).map((id) => ({
    id,
    leadTitle: id === 'support-emea' ? 'Support Lead, EMEA' : 'Support Lead, Americas',
    leadRole: 'support' as const,
    repRole: 'support' as const,
    repTitles: SUPPORT_TITLES,
    repTiers: [
      ['intern', 0.2],
      ['junior', 0.5],
      ['intermediate', 0.3],
    ] as const,
    share: 3,
    timeZone: id === 'support-emea' ? 'Europe/Dublin' : 'America/Chicago',
    culture: 'anglo' as const,
  })),
  {
    id: 'analytics',
    leadTitle: 'Revenue Analytics Lead',
    leadRole: 'analyst',
    repRole: 'analyst',
    repTitles: {
      intern: 'Data Intern',
      junior: 'Junior Data Analyst',
      intermediate: 'Revenue Analyst',
    },
    repTiers: [
      ['junior', 0.4],
      ['intermediate', 0.6],
    ],
    share: 3,
    timeZone: 'Europe/London',
    culture: 'anglo',
  },
];

/** Level 1 of the manager tree: each head leads three of the led teams. */
export const HEADS = [
  { title: 'VP Sales EMEA', role: 'sales-manager', teams: ['emea'], timeZone: 'Europe/Berlin' },
  {
    title: 'VP Sales Americas & APAC',
    role: 'sales-manager',
    teams: ['americas', 'apac'],
    timeZone: 'America/New_York',
  },
  {
    title: 'Head of Customer Operations',
    role: 'support',
    teams: ['support', 'analytics'],
    timeZone: 'Europe/Dublin',
  },
] as const;

/** The leaders above the reps: the root, the heads and one lead per led team. */
export const LEADER_COUNT = 1 + HEADS.length + LED_TEAMS.length;

/** How many days before the reference a member of each tier joined: [min, max]. */
export const TENURE: Readonly<Record<SeedTierId, readonly [number, number]>> = {
  intern: [30, 240],
  junior: [90, 730],
  intermediate: [365, 1300],
  senior: [700, 1800],
  director: [1400, 2200],
};
