import { dirname, resolve } from 'node:path';
import { PolicyError, formatIssue } from '../../policy/errors.js';
import { parsePolicyTests, runPolicyTests } from '../../policy/policy-tests.js';
import { onePositional, type Command } from '../command.js';
import { CliError, EXIT, readPolicy, readText, writeJson } from '../io.js';

export const testCommand: Command = {
  name: 'test',
  summary: 'Run policy test cases against a policy, with no CRM.',
  usage: 'tiergate test FILE [--verbose] [--json]',
  help: `FILE is a test file (YAML or JSON) whose \`policy\` key names the policy, relative to FILE.
Each case gives member, object, action, optionally record, and expect: allow | deny, with
optional expectFields, expectScope, expectReason, expectProjection and grants.

Prints one line per failing case, then \`N passed, N failed\`.

Options:
  --verbose   also print a line per passing case
  --json      print { passed, failed, results: [{ name, passed, failures }] }
  -h, --help  show this help`,
  exitCodes: { 0: 'every case passed', 1: 'a case failed, or the policy or test file is invalid' },
  options: { verbose: { type: 'boolean', short: 'v' }, json: { type: 'boolean' } },
  async run(args, io) {
    const file = onePositional(args, 'test file (FILE)');
    let tests;
    try {
      tests = parsePolicyTests(await readText(io, file, 'test file'));
    } catch (error) {
      if (error instanceof PolicyError) {
        throw new CliError(
          `${file}: invalid test file\n${error.issues.map(formatIssue).join('\n')}`,
          EXIT.failed,
        );
      }
      throw error;
    }
    const policyFile = resolve(dirname(resolve(io.cwd, file)), tests.policy);
    const policy = await readPolicy(io, policyFile);
    const results = runPolicyTests(policy, tests, new Date());
    const failed = results.filter((r) => !r.passed).length;
    const passed = results.length - failed;
    if (args.values.json === true) {
      writeJson(io, { passed, failed, results });
    } else {
      for (const result of results) {
        if (!result.passed) io.stdout.write(`FAIL ${result.name}: ${result.failures.join('; ')}\n`);
        else if (args.values.verbose === true) io.stdout.write(`ok   ${result.name}\n`);
      }
      io.stdout.write(`${passed} passed, ${failed} failed\n`);
    }
    return failed > 0 ? EXIT.failed : EXIT.ok;
  },
};
