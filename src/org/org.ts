/**
 * The organisation behind the record scopes: the manager tree and the team tree, with the member
 * sets behind `reports`, `team` and `teamTree` computed once per org version (closure tables),
 * so that a decision is a set lookup.
 *
 * Structural input types keep this module free of the policy schema: anything with these
 * fields (the policy's `org`, or members read from the host) builds an org.
 */

export interface OrgMemberInput {
  readonly id: string;
  readonly manager?: string | undefined;
  readonly teams?: readonly string[] | undefined;
}

export interface OrgTeamInput {
  readonly id: string;
  readonly children?: readonly string[] | undefined;
}

/** A member's scope sets; each includes the member itself where the scope does. */
export interface MemberClosure {
  /** The member and everyone below it in the manager tree, at any depth. */
  readonly reports: ReadonlySet<string>;
  /** Members of the member's own teams (and the member). */
  readonly team: ReadonlySet<string>;
  /** Members of the member's teams and of every team below them (and the member). */
  readonly teamTree: ReadonlySet<string>;
}

export interface Org {
  readonly memberIds: ReadonlySet<string>;
  closureOf(memberId: string): MemberClosure | undefined;
  /** The chain of managers above a member, nearest first. */
  managersOf(memberId: string): readonly string[];
  /** A team and every team below it. */
  teamSubtree(teamId: string): ReadonlySet<string>;
}

/** A cycle found in a tree: the ids along it, first repeated at the end. */
export interface OrgCycle {
  readonly kind: 'manager' | 'team';
  readonly ids: readonly string[];
}

/** Finds the cycles of a parent-pointer or children graph (each reported once). */
export function findCycles(
  edges: ReadonlyMap<string, readonly string[]>,
  kind: OrgCycle['kind'],
): OrgCycle[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: OrgCycle[] = [];
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const seen = state.get(next);
      if (seen === 'visiting') {
        cycles.push({ kind, ids: [...stack.slice(stack.indexOf(next)), next] });
      } else if (seen === undefined && edges.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

function managerEdges(members: readonly OrgMemberInput[]): Map<string, string[]> {
  return new Map(members.map((m) => [m.id, m.manager === undefined ? [] : [m.manager]]));
}

function teamEdges(teams: readonly OrgTeamInput[]): Map<string, string[]> {
  return new Map(teams.map((t) => [t.id, [...(t.children ?? [])]]));
}

/** Cycles in the manager tree and in the team tree. */
export function orgCycles(
  members: readonly OrgMemberInput[],
  teams: readonly OrgTeamInput[],
): OrgCycle[] {
  return [...findCycles(managerEdges(members), 'manager'), ...findCycles(teamEdges(teams), 'team')];
}

/**
 * Builds the org and its closures. The input must be acyclic (the policy loader rejects cycles);
 * a cycle that slips through still terminates, because each walk tracks what it has visited.
 */
export function buildOrg(members: readonly OrgMemberInput[], teams: readonly OrgTeamInput[]): Org {
  const memberIds = new Set(members.map((m) => m.id));
  const directReports = new Map<string, string[]>();
  const managerOf = new Map<string, string>();
  for (const member of members) {
    if (member.manager === undefined || !memberIds.has(member.manager)) continue;
    managerOf.set(member.id, member.manager);
    const list = directReports.get(member.manager) ?? [];
    list.push(member.id);
    directReports.set(member.manager, list);
  }

  const children = teamEdges(teams);
  const subtrees = new Map<string, Set<string>>();
  const teamSubtree = (teamId: string): Set<string> => {
    const cached = subtrees.get(teamId);
    if (cached) return cached;
    const subtree = walk(teamId, (id) => children.get(id) ?? []);
    subtrees.set(teamId, subtree);
    return subtree;
  };

  const membersOfTeam = new Map<string, string[]>();
  for (const member of members) {
    for (const team of member.teams ?? []) {
      const list = membersOfTeam.get(team) ?? [];
      list.push(member.id);
      membersOfTeam.set(team, list);
    }
  }
  const membersOf = (teamIds: Iterable<string>, self: string): Set<string> => {
    const result = new Set<string>([self]);
    for (const team of teamIds) for (const id of membersOfTeam.get(team) ?? []) result.add(id);
    return result;
  };

  const closures = new Map<string, MemberClosure>();
  for (const member of members) {
    const ownTeams = member.teams ?? [];
    const treeTeams = new Set<string>();
    for (const team of ownTeams) for (const sub of teamSubtree(team)) treeTeams.add(sub);
    closures.set(member.id, {
      reports: walk(member.id, (id) => directReports.get(id) ?? []),
      team: membersOf(ownTeams, member.id),
      teamTree: membersOf(treeTeams, member.id),
    });
  }

  return {
    memberIds,
    closureOf: (memberId) => closures.get(memberId),
    managersOf: (memberId) => {
      const chain: string[] = [];
      const seen = new Set([memberId]);
      for (let m = managerOf.get(memberId); m !== undefined && !seen.has(m); m = managerOf.get(m)) {
        chain.push(m);
        seen.add(m);
      }
      return chain;
    },
    teamSubtree,
  };
}

/** Everything reachable from `start` (inclusive), breadth first, each once. */
function walk(start: string, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const id of next(queue[i] as string)) {
      if (!seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
  }
  return seen;
}
