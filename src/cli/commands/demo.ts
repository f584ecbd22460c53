import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicy, type Engine, type Judge } from '../../policy/engine.js';
import { describeCondition } from '../../policy/describe.js';
import { ACTIONS } from '../../policy/schema.js';
import type { Command } from '../command.js';
import { CliError, EXIT, readPolicy } from '../io.js';
import { groupFields, plural, renderTable } from '../table.js';

/** The example shipped with the project, found relative to this file (src/ or dist/src/). */
export const BUNDLED_POLICY = fileURLToPath(
  new URL(
    import.meta.url.includes('/dist/')
      ? '../../../../examples/acme/tiergate.policy.yaml'
      : '../../../examples/acme/tiergate.policy.yaml',
    import.meta.url,
  ),
);

function cell(judge: Judge, object: string, action: (typeof ACTIONS)[number]): string {
  const decision = judge.decide(action, object);
  if (decision.effect === 'deny') return '-';
  if (action === 'create' || action === 'export') return 'yes';
  return decision.grants
    .map((g) => {
      const where = g.where ? ` if ${describeCondition(g.where)}` : '';
      const except = (g.except ?? []).map((c) => ` except ${describeCondition(c)}`).join('');
      return `${g.scope}${where}${except}`;
    })
    .join(' + ');
}

function memberMatrix(engine: Engine, memberId: string): string {
  const member = engine.policy.org.members.find((m) => m.id === memberId);
  const tier = member?.tier ?? engine.policy.roles[member?.role ?? '']?.defaultTier ?? '?';
  const title = [
    `${memberId}${member?.name ? ` (${member.name})` : ''}`,
    `role ${member?.role ?? '?'}, tier ${tier}`,
    member?.teams.length ? `teams ${member.teams.join(', ')}` : '',
    member?.manager ? `manager ${member.manager}` : '',
  ].filter(Boolean);
  const judge = engine.for(memberId);
  const rows = engine
    .objects()
    .map((object) => [object, ...ACTIONS.map((a) => cell(judge, object, a))]);
  const fields = engine.objects().map((object) => {
    const states = judge.fields('read', object);
    return `  ${object}: ${groupFields(states) || 'no access'}`;
  });
  return `${title.join(' · ')}\n${renderTable(['object', ...ACTIONS], rows)}\nfields (read):\n${fields.join('\n')}\n`;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: "Print every member's access matrix for a policy (default: the bundled example).",
  usage: 'tiergate demo [FILE] [--member ID]',
  help: `For each member: a table of object × action → record scope (own, reports, team, teamTree,
all, with its condition; yes/- for create and export), then the field states when reading.

Options:
  --member ID  show this member only
  -h, --help   show this help`,
  options: { member: { type: 'string' } },
  async run(args, io) {
    if (args.positionals.length > 1) throw new CliError(`usage: demo takes at most one FILE`);
    const file = args.positionals[0] ?? BUNDLED_POLICY;
    const policy = await readPolicy(io, file);
    const engine = compilePolicy(policy);
    const only = typeof args.values.member === 'string' ? args.values.member : undefined;
    if (only !== undefined && !engine.members().includes(only))
      throw new CliError(`usage: unknown member "${only}"`);
    const members = only === undefined ? engine.members() : [only];
    io.stdout.write(
      `Tiergate demo: ${relative(io.cwd, resolve(io.cwd, file)) || file}\n${plural(members.length, 'member')}, ${plural(engine.objects().length, 'object')}, tiers ${policy.tiers.map((t) => t.id).join(' < ')}\n\n`,
    );
    for (const member of members) io.stdout.write(`${memberMatrix(engine, member)}\n`);
    return EXIT.ok;
  },
};
