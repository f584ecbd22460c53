import { parse as parseYaml } from 'yaml';
import { compilePolicy } from '../../policy/engine.js';
import { PolicyError, formatIssue } from '../../policy/errors.js';
import { describeScope } from '../../policy/describe.js';
import type { TemporaryGrant } from '../../policy/grants.js';
import { ACTIONS, type Action, type FieldState, type Policy } from '../../policy/schema.js';
import { HostError } from '../../host/host-error.js';
import { HostOrgError, pullOrg } from '../../twenty-app/host-org.js';
import { connectTarget, HOST_TARGET_OPTIONS, hostTarget, namesHost } from '../host-target.js';
import { onePositional, type Command, type ParsedArgs } from '../command.js';
import { CliError, EXIT, readJson, readPolicy, readText, writeJson, type CliIo } from '../io.js';
import { groupFields } from '../table.js';

function required(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`usage: --${name} is required`);
  return value;
}

function parseNow(value: string | boolean | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime()))
    throw new CliError(
      `usage: --now "${String(value)}" is not an ISO 8601 time such as 2026-06-30T12:00:00Z`,
    );
  return date;
}

async function readGrants(
  io: CliIo,
  file: string | boolean | undefined,
): Promise<TemporaryGrant[]> {
  if (typeof file !== 'string') return [];
  let grants: unknown;
  try {
    grants = parseYaml(await readText(io, file, 'grants'));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`grants ${file} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(grants)) throw new CliError(`grants ${file} must hold a list of grants`);
  return grants as TemporaryGrant[];
}

function knownOrFail(kind: string, value: string, known: readonly string[]): void {
  if (!known.includes(value)) {
    throw new CliError(
      `usage: unknown ${kind} "${value}" (known: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})`,
    );
  }
}

/**
 * The policy to decide with: as written, or, with a host (named on the command line, or implied
 * by org.source: host), with its org resolved against the host's workspace members.
 */
async function policyFor(
  args: ParsedArgs,
  io: CliIo,
  policy: Policy,
): Promise<{ policy: Policy; aliases: ReadonlyMap<string, string> }> {
  if (!namesHost(args) && policy.org.source !== 'host') return { policy, aliases: new Map() };
  const target = await hostTarget(args, io, { addonKey: true }).catch((error: unknown) => {
    if (error instanceof CliError && policy.org.source === 'host' && !namesHost(args))
      throw new CliError(
        `org.source is host, so explain reads members from Twenty: ${error.message}`,
      );
    throw error;
  });
  try {
    const org = await pullOrg(connectTarget(target), policy);
    if (org.problems.length > 0)
      io.stderr.write(
        `org: ${org.problems.length} member${org.problems.length === 1 ? '' : 's'} left out or changed (tiergate org pull lists them)\n`,
      );
    return { policy: org.policy, aliases: org.aliases };
  } catch (error) {
    if (error instanceof HostError || error instanceof HostOrgError)
      throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

/** `--member` as a member id, an org.members id the host renamed, or an email. */
function memberIdOf(policy: Policy, aliases: ReadonlyMap<string, string>, value: string): string {
  const members = policy.org.members;
  if (members.some((m) => m.id === value)) return value;
  const aliased = aliases.get(value);
  if (aliased !== undefined) return aliased;
  const wanted = value.trim().toLowerCase();
  const byEmail = members.filter((m) => m.email?.trim().toLowerCase() === wanted);
  return byEmail.length === 1 && byEmail[0] ? byEmail[0].id : value;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'Show a decision and its reasons: effect, scope, host filter, field states.',
  usage: 'tiergate explain FILE --member ID --object NAME --action ACTION [options]',
  help: `Options:
  --member ID        the member: an id of org.members, a workspace member id, or an email
  --host URL         read the org from this Twenty host (org.source: host reads it anyway, from
                     the installation's or the sandbox's host when --host is not given)
  --api-key KEY      an API key for the host (default: $TIERGATE_API_KEY, then the sandbox's)
  --object NAME      the object (a key of objects)
  --action ACTION    one of ${ACTIONS.join(', ')}
  --record FILE      a JSON file holding one record: decide for it and apply its when rules
  --field NAME       report this field alone
  --now ISO          the time to decide at (temporary grants expire); default: now
  --grants FILE      a YAML or JSON list of temporary grants to take into account
  --json             print one JSON object: effect, scope, where, filter, fields, reasons
  -h, --help         show this help

Without --record, effect says whether the action is granted at all, and filter selects the
records it is granted on.`,
  exitCodes: { 0: 'answered (allow or deny)', 1: 'invalid policy, grants or record file' },
  options: {
    member: { type: 'string' },
    object: { type: 'string' },
    action: { type: 'string' },
    record: { type: 'string' },
    field: { type: 'string' },
    now: { type: 'string' },
    grants: { type: 'string' },
    json: { type: 'boolean' },
    ...HOST_TARGET_OPTIONS,
  },
  async run(args, io) {
    const file = onePositional(args, 'policy file (FILE)');
    const memberArg = required(args, 'member');
    const object = required(args, 'object');
    const action = required(args, 'action');
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new CliError(`usage: --action "${action}" is not one of ${ACTIONS.join(', ')}`);
    const now = parseNow(args.values.now);
    const { policy, aliases } = await policyFor(args, io, await readPolicy(io, file));
    const member = memberIdOf(policy, aliases, memberArg);
    const record =
      typeof args.values.record === 'string'
        ? await readJson(io, args.values.record, 'record')
        : undefined;
    if (
      record !== undefined &&
      (typeof record !== 'object' || record === null || Array.isArray(record))
    ) {
      throw new CliError(`record ${String(args.values.record)} must hold one JSON object`);
    }
    let engine;
    try {
      engine = compilePolicy(policy, {
        now: () => now,
        grants: await readGrants(io, args.values.grants),
      });
    } catch (error) {
      if (error instanceof PolicyError)
        throw new CliError(
          `invalid grants\n${error.issues.map(formatIssue).join('\n')}`,
          EXIT.failed,
        );
      throw error;
    }
    knownOrFail('member', member, engine.members());
    knownOrFail('object', object, engine.objects());
    const judge = engine.for(member);
    const asked = action as Action;
    const row = record as Record<string, unknown> | undefined;
    const decision = judge.decide(asked, object, row);
    const field = typeof args.values.field === 'string' ? args.values.field : undefined;
    let fields: Record<string, FieldState>;
    const reasons = [...decision.reasons];
    if (field !== undefined) {
      fields = { [field]: judge.fieldState(asked, object, field, row) };
      reasons.push(judge.explainField(asked, object, field, row));
    } else {
      fields = { ...judge.fields(asked, object, row) };
      for (const key of Object.keys(row ?? {}))
        fields[key] ??= judge.fieldState(asked, object, key, row);
    }
    const answer = {
      effect: decision.effect,
      scope: decision.scope,
      ...(decision.where ? { where: decision.where } : {}),
      filter: decision.filter,
      fields,
      reasons,
    };
    if (args.values.json === true) {
      writeJson(io, answer);
      return EXIT.ok;
    }
    const lines = [
      `${decision.effect.toUpperCase()}  ${member} ${action} ${object}${record ? ' (this record)' : ''}`,
      `scope:   ${decision.grants.length > 0 ? decision.grants.map((g) => describeScope(g.scope, g.where)).join(' | ') : 'none'}`,
      `filter:  ${JSON.stringify(decision.filter)}`,
      `fields:  ${decision.effect === 'deny' ? 'none (the action is denied)' : groupFields(fields) || '(none)'}`,
      'why:',
      ...reasons.map((r) => `  - ${r}`),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};
