/** `tiergate`: the command line (POLICY.md §4). Each command has its own `--help`. */
import { parseArgs } from 'node:util';
import type { Command, ParsedArgs } from './command.js';
import { CliError, EXIT, EXIT_MEANINGS, type CliIo } from './io.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { explainCommand } from './commands/explain.js';
import { installCommand, uninstallCommand } from './commands/install.js';
import { loginCommand, logoutCommand } from './commands/login.js';
import { orgCommand } from './commands/org.js';
import { auditCommand } from './commands/audit.js';
import { eventsCommand } from './commands/events.js';
import { serveCommand } from './commands/serve.js';
import { gatewayCommand } from './commands/gateway.js';
import { sandboxCommand } from './commands/sandbox.js';
import { schemaCommand } from './commands/schema.js';
import { applyCommand, driftCommand, planCommand } from './commands/sync.js';
import { testCommand } from './commands/test.js';
import { validateCommand } from './commands/validate.js';

const COMMANDS: readonly Command[] = [
  validateCommand,
  explainCommand,
  testCommand,
  schemaCommand,
  demoCommand,
  sandboxCommand,
  planCommand,
  applyCommand,
  driftCommand,
  installCommand,
  uninstallCommand,
  doctorCommand,
  loginCommand,
  logoutCommand,
  orgCommand,
  auditCommand,
  eventsCommand,
  serveCommand,
  gatewayCommand,
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'tiergate: tiered employee permissions for Twenty CRM',
    '',
    'Usage: tiergate <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `tiergate <command> --help` for a command's options.",
    '',
    exitCodesHelp(EXIT_MEANINGS),
  ].join('\n');
}

/** The exit-code table of a help text: 0, 1 and 64 always, with the command's own words. */
function exitCodesHelp(meanings: Readonly<Record<number, string>>): string {
  const all = {
    [EXIT.ok]: EXIT_MEANINGS[EXIT.ok],
    [EXIT.failed]: EXIT_MEANINGS[EXIT.failed],
    ...meanings,
    [EXIT.usage]: EXIT_MEANINGS[EXIT.usage],
  };
  const rows = Object.entries(all)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([code, meaning]) => `  ${code.padEnd(3)} ${meaning ?? ''}`);
  return ['Exit codes:', ...rows, ''].join('\n');
}

function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.summary}\n\n${command.help.trimEnd()}\n\n${exitCodesHelp(command.exitCodes ?? {})}`;
}

/** Runs the CLI; returns the exit code. Never throws for the user's mistakes. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`tiergate: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  let args: ParsedArgs;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    args = { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    io.stderr.write(
      `tiergate ${command.name}: ${(error as Error).message}\n\n${commandHelp(command)}`,
    );
    return EXIT.usage;
  }
  if (args.values.help === true) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`tiergate ${command.name}: ${error.message}\n`);
      if (error.code === EXIT.usage && error.message.startsWith('usage:'))
        io.stderr.write(`\n${commandHelp(command)}`);
      return error.code;
    }
    throw error;
  }
}
