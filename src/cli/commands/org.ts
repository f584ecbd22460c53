/**
 * `tiergate org pull`: the organisation as Tiergate resolves it against the host: who is
 * in it, with which role, tier, teams and manager, where each value came from
 * (the member's tiergate* fields in Twenty, the policy's org.members entry, or the role's default
 * tier), and who is left out and why. Reads only; changes nothing.
 */
import { HostError } from '../../host/host-error.js';
import { HostOrgError, pullOrg, type ResolvedMember } from '../../twenty-app/host-org.js';
import { onePositional, type Command } from '../command.js';
import {
  connectTarget,
  HOST_TARGET_HELP,
  HOST_TARGET_OPTIONS,
  hostTarget,
} from '../host-target.js';
import { CliError, EXIT, readPolicy, writeJson } from '../io.js';
import { plural, renderTable } from '../table.js';

const SOURCE_MARK = { host: '', policy: '*', default: '°', none: '' } as const;

function row(member: ResolvedMember, names: ReadonlyMap<string, string>): string[] {
  const mark = (value: string, from: ResolvedMember['from'][keyof ResolvedMember['from']]) =>
    value === '' ? '' : `${value}${SOURCE_MARK[from]}`;
  return [
    member.name || member.id,
    member.email ?? '',
    mark(member.role, member.from.role),
    mark(member.tier, member.from.tier),
    mark(member.teams.join(','), member.from.teams),
    mark(
      member.manager === null ? '' : (names.get(member.manager) ?? member.manager),
      member.from.manager,
    ),
    member.alias === undefined ? member.id : `${member.id} (${member.alias})`,
  ];
}

export const orgCommand: Command = {
  name: 'org',
  summary: 'Show the organisation as read from Twenty: members, roles, tiers, teams, managers.',
  usage: 'tiergate org pull [--policy FILE] [--host URL --api-key KEY] [--json]',
  help: `With org.source: host, members are Twenty's workspace members, matched to org.members by
email; role, tier, teams and manager come from each member's tiergateRole, tiergateTier,
tiergateTeams and tiergateManager fields (created by tiergate install), and what those leave empty
from the member's org.members entry, then the role's defaultTier. With org.source: config, the
policy's members are shown with the workspace member each one is matched to (by id, else email).
Members that cannot be placed (an unknown role, tier or team, no role at all) are left out and
listed: Tiergate gives them no access. Reads only.

Options:
  --policy FILE   the policy (default ./tiergate.policy.yaml)
${HOST_TARGET_HELP}; it needs WORKSPACE_MEMBERS
  --json          print { source, members: [...], problems: [...] }
  -h, --help      show this help

In the table, * marks a value taken from the policy file and ° a role's default tier; the rest
came from Twenty.`,
  exitCodes: { 0: 'every member placed', 1: 'a member is left out, or an error' },
  options: { policy: { type: 'string' }, ...HOST_TARGET_OPTIONS, json: { type: 'boolean' } },
  async run(args, io) {
    const sub = onePositional(args, 'subcommand (pull)');
    if (sub !== 'pull')
      throw new CliError(`usage: unknown subcommand "${sub}"; try tiergate org pull`);
    const file =
      typeof args.values.policy === 'string' ? args.values.policy : 'tiergate.policy.yaml';
    const policy = await readPolicy(io, file);
    const target = await hostTarget(args, io, { addonKey: true });
    const host = connectTarget(target);
    let org;
    try {
      org = await pullOrg(host, policy);
    } catch (error) {
      if (error instanceof HostError || error instanceof HostOrgError)
        throw new CliError(error.message, EXIT.failed);
      throw error;
    }
    const source = policy.org.source;
    if (args.values.json === true) {
      writeJson(io, { source, host: target.url, members: org.members, problems: org.problems });
    } else {
      const names = new Map(org.members.map((m) => [m.id, m.name || m.id]));
      io.stdout.write(
        `org.source: ${source} · ${target.url} · ${plural(org.members.length, 'member')} placed${org.problems.length > 0 ? `, ${plural(org.problems.length, 'warning')}` : ''}\n\n`,
      );
      io.stdout.write(
        `${renderTable(
          ['NAME', 'EMAIL', 'ROLE', 'TIER', 'TEAMS', 'MANAGER', 'WORKSPACE MEMBER (POLICY ID)'],
          org.members.map((m) => row(m, names)),
        )}\n`,
      );
      if (org.problems.length > 0) {
        io.stdout.write(
          `\nLeft out or changed:\n${org.problems.map((p) => `  ${p.member}: ${p.message}\n`).join('')}`,
        );
      }
    }
    return org.problems.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
