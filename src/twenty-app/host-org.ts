/**
 * The organisation as the host holds it. With `org.source: host`, members are
 * Twenty's workspace members, matched to the policy's `org.members` by email, and each member's
 * role, tier, teams and manager come from the `tiergate*` fields the manifest adds to
 * workspaceMember; what a field leaves empty falls back to the member's entry in the policy, then
 * to the role's `defaultTier`. With `org.source: config` the policy's members stay as they are and
 * are only matched to workspace members (by id, else by email) so sync knows whom to assign.
 *
 * Fail closed: a member whose role, tier or teams are not in the policy is left out of the org (it
 * then holds no Tiergate role and the gateway denies it) and reported; so is a manager id that is
 * not a workspace member (the link is dropped, the member kept). A manager cycle makes the whole
 * org unusable, as it does in a policy file.
 */
import { z } from 'zod';
import type { Host } from '../host/host.js';
import { allNodes, type Connection } from '../host/paging.js';
import { validatePolicy } from '../policy/load.js';
import { PolicyError, formatIssue } from '../policy/errors.js';
import { closest } from '../policy/references.js';
import type { Member, Policy } from '../policy/schema.js';
import { manifestField } from './manifest.js';

/** The workspaceMember fields org.source: host reads, each declared by manifest.json. */
export const ORG_FIELDS = ['tiergateRole', 'tiergateTier', 'tiergateTeams', 'tiergateManager'];
for (const name of ORG_FIELDS) manifestField('workspaceMember', name);

/** A workspace member as read from the host's core API. */
export interface HostMember {
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
  /** The tiergate* fields; null when empty, or when they were not read (org.source: config). */
  readonly role: string | null;
  readonly tier: string | null;
  readonly teams: readonly string[];
  readonly manager: string | null;
}

// Twenty's default page (QUERY_DEFAULT_LIMIT_RECORDS), well under its QUERY_MAX_RECORDS (200).
const PAGE_SIZE = 60;

const memberNode = z.object({
  id: z.string(),
  userEmail: z.string().nullish(),
  name: z.object({ firstName: z.string().nullish(), lastName: z.string().nullish() }).nullish(),
  tiergateRole: z.string().nullish(),
  tiergateTier: z.string().nullish(),
  tiergateTeams: z.array(z.string()).nullish(),
  tiergateManager: z.string().nullish(),
});
const membersPage = z.object({
  workspaceMembers: z.object({
    edges: z.array(z.object({ node: memberNode, cursor: z.string().nullish() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
  }),
});

function membersQuery(withOrgFields: boolean): string {
  return `query TiergateOrgMembers($first: Int!, $after: String) {
  workspaceMembers(first: $first, after: $after, orderBy: [{ createdAt: AscNullsFirst }]) {
    edges { cursor node { id userEmail name { firstName lastName }${withOrgFields ? ` ${ORG_FIELDS.join(' ')}` : ''} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
}

const blank = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
};

export class HostOrgError extends Error {
  override readonly name = 'HostOrgError';
}

/**
 * Every workspace member, with the tiergate* fields when `withOrgFields`. Those fields exist only
 * once `tiergate install` has created them: without them this says so rather than failing on a
 * GraphQL validation error.
 */
export async function readHostMembers(
  host: Host,
  options: { readonly withOrgFields: boolean },
): Promise<HostMember[]> {
  if (options.withOrgFields) {
    const model = await host.dataModel.get();
    const have = new Set(model.object('workspaceMember')?.fields.map((f) => f.name));
    const missing = ORG_FIELDS.filter((f) => !have.has(f));
    if (missing.length > 0) {
      throw new HostOrgError(
        `org.source is host, but the host's workspaceMember has no ${missing.join(', ')}: run tiergate install first`,
      );
    }
  }
  const query = membersQuery(options.withOrgFields);
  const members: HostMember[] = [];
  const pages = allNodes('TiergateOrgMembers', async (after) => {
    const data: unknown = await host.core.request(query, { first: PAGE_SIZE, after });
    const parsed = membersPage.safeParse(data);
    if (!parsed.success) {
      throw new HostOrgError(
        `the host answered workspaceMembers in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    return parsed.data.workspaceMembers satisfies Connection<z.infer<typeof memberNode>>;
  });
  for await (const node of pages) {
    const name = [blank(node.name?.firstName), blank(node.name?.lastName)]
      .filter((part) => part !== null)
      .join(' ');
    members.push({
      id: node.id,
      email: blank(node.userEmail),
      name,
      role: blank(node.tiergateRole),
      tier: blank(node.tiergateTier),
      teams: (node.tiergateTeams ?? []).map((t) => t.trim()).filter((t) => t !== ''),
      manager: blank(node.tiergateManager),
    });
  }
  return members;
}

/** Where each of a resolved member's values came from. */
export type ValueSource = 'host' | 'policy' | 'default' | 'none';

export interface ResolvedMember {
  /** The workspace member id: the member's id in the resolved policy, as records name owners. */
  readonly id: string;
  /** Its org.members id, when it has an entry there under another id. */
  readonly alias?: string;
  readonly email: string | null;
  readonly name: string;
  readonly role: string;
  readonly tier: string;
  readonly teams: readonly string[];
  /** The manager's workspace member id. */
  readonly manager: string | null;
  /** Custom attributes, from the member's org.members entry (the host has none of its own). */
  readonly attributes?: Member['attributes'];
  readonly from: {
    readonly role: ValueSource;
    readonly tier: ValueSource;
    readonly teams: ValueSource;
    readonly manager: ValueSource;
  };
}

export interface OrgProblem {
  /** The member concerned: email, else id. */
  readonly member: string;
  readonly message: string;
}

export interface ResolvedOrg {
  /**
   * The policy with org.members as resolved, every member under its workspace member id (so
   * that the owner ids on records, which are workspace member ids, mean the same members), and
   * references to org.members ids (managers, restrictions) rewritten to match.
   */
  readonly policy: Policy;
  /** org.members id → workspace member id, for entries whose id was not already the host's. */
  readonly aliases: ReadonlyMap<string, string>;
  /** The members in force, in the host's order (host source) or the policy's (config). */
  readonly members: readonly ResolvedMember[];
  /** Members left out or links dropped, and why. */
  readonly problems: readonly OrgProblem[];
}

const emailKey = (email: string | null | undefined): string | undefined =>
  email === null || email === undefined ? undefined : email.trim().toLowerCase();

const hint = (value: string, known: Iterable<string>): string => {
  const guess = closest(value, known);
  return guess === undefined ? '' : `; did you mean "${guess}"?`;
};

/** Workspace members by email; an email two members share matches neither, reported. */
function byEmail(
  members: readonly HostMember[],
  problems: OrgProblem[],
): Map<string, HostMember | null> {
  const map = new Map<string, HostMember | null>();
  for (const member of members) {
    const key = emailKey(member.email);
    if (key === undefined) continue;
    if (map.has(key)) {
      if (map.get(key) !== null) {
        problems.push({
          member: key,
          message: `two workspace members share this email, so neither is matched by it`,
        });
      }
      map.set(key, null);
    } else map.set(key, member);
  }
  return map;
}

/** The workspace member a policy entry stands for: the same id, else the same email. */
function hostMatch(
  member: Member,
  ids: ReadonlyMap<string, HostMember>,
  emails: ReadonlyMap<string, HostMember | null>,
): HostMember | undefined {
  const sameId = ids.get(member.id);
  if (sameId !== undefined) return sameId;
  const key = emailKey(member.email);
  return key === undefined ? undefined : (emails.get(key) ?? undefined);
}

/** org.members entries matched to workspace members, the others reported. */
function matchEntries(
  policy: Policy,
  hostMembers: readonly HostMember[],
  problems: OrgProblem[],
  unmatched: (entry: Member) => string,
): Map<string, Member> {
  const ids = new Map(hostMembers.map((m) => [m.id, m]));
  const emails = byEmail(hostMembers, problems);
  const entryOf = new Map<string, Member>();
  for (const entry of policy.org.members) {
    const found = hostMatch(entry, ids, emails);
    if (found === undefined)
      problems.push({ member: entry.email ?? entry.id, message: unmatched(entry) });
    else entryOf.set(found.id, entry);
  }
  return entryOf;
}

/** The member's role, tier and teams, or the reason it is left out. */
function valuesOf(
  policy: Policy,
  host: HostMember,
  entry: Member | undefined,
  useHostFields: boolean,
): Pick<ResolvedMember, 'role' | 'tier' | 'teams'> & {
  from: Omit<ResolvedMember['from'], 'manager'>;
} {
  const fields = useHostFields
    ? host
    : { role: null, tier: null, teams: [] as readonly string[], manager: null };
  const roles = Object.keys(policy.roles);
  const tiers = policy.tiers.map((t) => t.id);
  const teams = policy.org.teams.map((t) => t.id);
  const role = fields.role ?? entry?.role;
  if (role === undefined) {
    throw new Error('no tiergateRole on the host and no entry in org.members: it holds no role');
  }
  const roleFrom: ValueSource = fields.role === null ? 'policy' : 'host';
  if (!roles.includes(role)) {
    throw new Error(
      `role "${role}" (from ${roleFrom === 'host' ? 'tiergateRole' : 'org.members'}) is not a role of the policy${hint(role, roles)}`,
    );
  }
  const tier = fields.tier ?? entry?.tier ?? policy.roles[role]?.defaultTier;
  const tierFrom: ValueSource =
    fields.tier !== null ? 'host' : entry?.tier !== undefined ? 'policy' : 'default';
  if (tier === undefined) {
    throw new Error(`no tier: tiergateTier is empty and role ${role} has no defaultTier`);
  }
  if (!tiers.includes(tier)) {
    throw new Error(
      `tier "${tier}" (from ${tierFrom === 'host' ? 'tiergateTier' : 'org.members'}) is not a tier of the policy${hint(tier, tiers)}`,
    );
  }
  const memberTeams = fields.teams.length > 0 ? fields.teams : (entry?.teams ?? []);
  const teamsFrom: ValueSource =
    fields.teams.length > 0 ? 'host' : memberTeams.length > 0 ? 'policy' : 'none';
  for (const team of memberTeams) {
    if (!teams.includes(team)) {
      throw new Error(`team "${team}" is not a team of org.teams${hint(team, teams)}`);
    }
  }
  return {
    role,
    tier,
    teams: memberTeams,
    from: { role: roleFrom, tier: tierFrom, teams: teamsFrom },
  };
}

/**
 * Resolves the org. `useHostFields`: org.source host (every workspace member is a candidate, its
 * tiergate* fields first); otherwise only the policy's entries count, matched to the host.
 */
function resolve(
  policy: Policy,
  hostMembers: readonly HostMember[],
  useHostFields: boolean,
): ResolvedOrg {
  const problems: OrgProblem[] = [];
  const entryOf = matchEntries(policy, hostMembers, problems, (entry) =>
    useHostFields
      ? `org.members ${entry.id} matches no workspace member by email: left out`
      : `org.members ${entry.id} matches no workspace member (by id or email), so it holds no role in the host`,
  );
  const aliases = new Map<string, string>();
  for (const [hostId, entry] of entryOf) if (entry.id !== hostId) aliases.set(entry.id, hostId);
  const hostIdOf = (entryId: string): string | undefined =>
    aliases.get(entryId) ?? (entryOf.has(entryId) ? entryId : undefined);

  const candidates = useHostFields ? hostMembers : hostMembers.filter((h) => entryOf.has(h.id));
  const kept: { member: ResolvedMember; managerFromHost: boolean }[] = [];
  for (const host of candidates) {
    const entry = entryOf.get(host.id);
    let values: ReturnType<typeof valuesOf>;
    try {
      values = valuesOf(policy, host, entry, useHostFields);
    } catch (error) {
      problems.push({
        member: host.email ?? host.id,
        message: `left out: ${(error as Error).message}`,
      });
      continue;
    }
    const managerFromHost = useHostFields && host.manager !== null;
    // tiergateManager holds a workspace member id; org.members' manager an org.members id.
    const manager = managerFromHost ? host.manager : (entry?.manager ?? null);
    kept.push({
      managerFromHost,
      member: {
        ...values,
        id: host.id,
        ...(entry !== undefined && entry.id !== host.id ? { alias: entry.id } : {}),
        email: host.email ?? entry?.email ?? null,
        ...(entry?.attributes === undefined ? {} : { attributes: entry.attributes }),
        name: (useHostFields ? host.name : (entry?.name ?? '')) || (entry?.name ?? host.name),
        manager:
          manager === null ? null : managerFromHost ? manager : (hostIdOf(manager) ?? manager),
        from: { ...values.from, manager: 'none' },
      },
    });
  }
  const keptIds = new Set(kept.map(({ member }) => member.id));
  const members = kept.map(({ member, managerFromHost }): ResolvedMember => {
    if (member.manager === null) return member;
    if (!keptIds.has(member.manager) || member.manager === member.id) {
      problems.push({
        member: member.email ?? member.id,
        message: `manager "${member.manager}" (from ${managerFromHost ? 'tiergateManager' : 'org.members'}) is not a member of the org: the link is dropped`,
      });
      return { ...member, manager: null };
    }
    return { ...member, from: { ...member.from, manager: managerFromHost ? 'host' : 'policy' } };
  });

  const composed = {
    ...policy,
    org: {
      ...policy.org,
      members: members.map((m): Member => ({
        id: m.id,
        ...(m.email === null ? {} : { email: m.email }),
        ...(m.name === '' ? {} : { name: m.name }),
        role: m.role,
        tier: m.tier,
        teams: [...m.teams],
        ...(m.manager === null ? {} : { manager: m.manager }),
        ...(m.attributes === undefined ? {} : { attributes: m.attributes }),
      })),
    },
    // A restriction naming a member left out no longer names anyone: it restricted only them.
    restrictions: policy.restrictions.map((r) =>
      r.members === undefined
        ? r
        : {
            ...r,
            members: r.members.flatMap((id) => {
              const hostId = hostIdOf(id);
              return hostId !== undefined && keptIds.has(hostId) ? [hostId] : [];
            }),
          },
    ),
  };
  let resolved: Policy;
  try {
    resolved = validatePolicy(composed);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    throw new HostOrgError(
      `the organisation read from the host does not hold together:\n${error.issues.map(formatIssue).join('\n')}`,
    );
  }
  return { policy: resolved, aliases, members, problems };
}

/** The policy's organisation resolved against the host's workspace members. */
export function resolveOrg(policy: Policy, hostMembers: readonly HostMember[]): ResolvedOrg {
  return resolve(policy, hostMembers, policy.org.source === 'host');
}

/** Reads the host's members and resolves the policy's org against them. */
export async function pullOrg(host: Host, policy: Policy): Promise<ResolvedOrg> {
  const members = await readHostMembers(host, { withOrgFields: policy.org.source === 'host' });
  return resolveOrg(policy, members);
}
