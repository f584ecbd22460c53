import { HostError } from '../../host/host-error.js';
import { connectHost } from '../../host/host.js';
import { lintSelfEditable, formatWarning } from '../../policy/lint-self-editable.js';
import { parseSource, validatePolicy } from '../../policy/load.js';
import { PolicyError, formatIssue, formatPath, type PolicyIssue } from '../../policy/errors.js';
import type { Policy } from '../../policy/schema.js';
import { compileHostState } from '../../sync/compile.js';
import { onePositional, type Command, type ParsedArgs } from '../command.js';
import { CliError, EXIT, readText, writeJson, type CliIo } from '../io.js';
import { plural } from '../table.js';

/**
 * With a host, the policy is also checked against the host's data model (POLICY.md §2: unknown
 * objects and fields are errors "when the host's data model is known").
 */
async function hostIssues(policy: Policy, args: ParsedArgs, io: CliIo): Promise<PolicyIssue[]> {
  const url = typeof args.values.host === 'string' ? args.values.host : undefined;
  if (url === undefined) return [];
  const token =
    typeof args.values['api-key'] === 'string' ? args.values['api-key'] : io.env.TIERGATE_API_KEY;
  if (!token) throw new CliError('usage: --host needs --api-key KEY (or $TIERGATE_API_KEY)');
  try {
    const dataModel = await connectHost({ baseUrl: url, token }).dataModel.get();
    return compileHostState(policy, dataModel, { rlsEntitled: false }).problems.map((problem) => {
      const at = problem.indexOf(': ');
      return at < 0
        ? { path: '', message: problem }
        : { path: problem.slice(0, at), message: problem.slice(at + 2) };
    });
  } catch (error) {
    if (error instanceof HostError || error instanceof RangeError)
      throw new CliError(`cannot read the host's data model: ${error.message}`, EXIT.failed);
    throw error;
  }
}

const lineNote = (line: number | undefined): string =>
  line === undefined ? '' : ` (line ${line})`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a policy file; list every problem as `path: message (line N)`.',
  usage: 'tiergate validate FILE [--host URL --api-key KEY] [--json]',
  help: `Options:
  --host URL     also check objects and fields against this Twenty host's data model
  --api-key KEY  an API key for --host (default: $TIERGATE_API_KEY)
  --json         print { "valid": bool, "issues": [{ "path", "message", "line" }],
                 "warnings": [{ "path", "message", "line" }] }
  -h, --help     show this help

Warnings, printed as \`warning: path: message\`, do not fail: a \`where\` or \`when\` condition
that reads a field the same member may edit (the member could flip it) is one.`,
  exitCodes: {
    0: 'the policy is valid (warnings do not fail)',
    1: 'invalid policy or unreadable file, or the host cannot be read',
  },
  options: { json: { type: 'boolean' }, host: { type: 'string' }, 'api-key': { type: 'string' } },
  async run(args, io) {
    const file = onePositional(args, 'policy file (FILE)');
    const text = await readText(io, file, 'policy');
    try {
      const { data, locate } = parseSource(text);
      const policy = validatePolicy(data, locate);
      const issues = await hostIssues(policy, args, io);
      if (issues.length > 0) throw new PolicyError(issues);
      const warnings = lintSelfEditable(policy);
      if (args.values.json === true) {
        writeJson(io, {
          valid: true,
          issues: [],
          warnings: warnings.map((w) => ({
            path: formatPath(w.path),
            message: w.message,
            line: locate(w.path),
          })),
        });
      } else {
        io.stdout.write(
          warnings.map((w) => `${formatWarning(w)}${lineNote(locate(w.path))}\n`).join(''),
        );
        const members = policy.org.members.length;
        io.stdout.write(
          `${file}: valid (${[
            plural(policy.tiers.length, 'tier'),
            plural(Object.keys(policy.roles).length, 'role'),
            plural(members, 'member'),
            plural(policy.restrictions.length, 'restriction'),
          ].join(', ')})\n`,
        );
      }
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      if (args.values.json === true) {
        writeJson(io, { valid: false, issues: error.issues, warnings: [] });
      } else {
        io.stderr.write(
          `${file}: ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}\n`,
        );
        io.stdout.write(error.issues.map((issue) => `${formatIssue(issue)}\n`).join(''));
      }
      return EXIT.failed;
    }
  },
};
