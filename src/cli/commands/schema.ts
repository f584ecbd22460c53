import { policyJsonSchema } from '../../policy/json-schema.js';
import type { Command } from '../command.js';
import { CliError, EXIT, writeJson } from '../io.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of the policy file, for editors and CI.',
  usage: 'tiergate schema',
  help: `Point your editor at it, for example in VS Code with the YAML extension:
  # yaml-language-server: $schema=./tiergate.schema.json
after \`tiergate schema > tiergate.schema.json\`.

Options:
  -h, --help  show this help`,
  options: {},
  run(args, io) {
    if (args.positionals.length > 0) throw new CliError(`usage: schema takes no arguments`);
    writeJson(io, policyJsonSchema());
    return Promise.resolve(EXIT.ok);
  },
};
