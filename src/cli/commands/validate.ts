import { loadPolicy } from '../../policy/load.js';
import { PolicyError, formatIssue } from '../../policy/errors.js';
import { onePositional, type Command } from '../command.js';
import { EXIT, readText, writeJson } from '../io.js';
import { plural } from '../table.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a policy file; list every problem as `path: message (line N)`.',
  usage: 'tiergate validate FILE [--json]',
  help: `Options:
  --json      print { "valid": bool, "issues": [{ "path", "message", "line" }] }
  -h, --help  show this help

Exit codes: 0 valid, 1 invalid, 2 unreadable file or bad usage.`,
  options: { json: { type: 'boolean' } },
  async run(args, io) {
    const file = onePositional(args, 'policy file (FILE)');
    const text = await readText(io, file, 'policy');
    try {
      const policy = loadPolicy(text);
      if (args.values.json === true) {
        writeJson(io, { valid: true, issues: [] });
      } else {
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
        writeJson(io, { valid: false, issues: error.issues });
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
