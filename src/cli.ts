#!/usr/bin/env node
// `hubsync <command>` (also `npm run cli -- <command>`). Each command lives in src/cli/<command>.ts and is
// listed in COMMANDS. Exit codes: 0 ok, 1 the operation failed, 2 usage error. Errors print on one line.
import { ConfigError, parseConfig } from './config';
import { backfillCommand } from './cli/backfill';
import { describeOptions, parseArgs, UsageError, type OptionSpec } from './cli/args';
import { type CliCommand, type CliContext, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, lazyTemporal } from './cli/context';
import { scheduleCommand } from './cli/schedule';
import { syncCommand } from './cli/sync';
import { deadLettersCommand } from './cli/dead-letters';
import { failuresCommand } from './cli/failures';
import { parkedCommand } from './cli/parked';
import { pushCommand } from './cli/push';
import { replayCommand } from './cli/replay';
import { statusCommand } from './cli/status';
import { portalsCommand } from './cli/portals';

const COMMANDS: CliCommand[] = [
  syncCommand,
  backfillCommand,
  scheduleCommand,
  statusCommand,
  pushCommand,
  failuresCommand,
  deadLettersCommand,
  parkedCommand,
  replayCommand,
  portalsCommand,
];

const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'portal', value: 'id', description: 'HubSpot portal id (default HUBSPOT_PORTAL_ID)' },
  { name: 'help', description: 'show help' },
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: hubsync <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    describeOptions(GLOBAL_OPTIONS),
    '',
    'Configuration comes from the environment (see .env.example). Exit codes: 0 ok, 1 failure, 2 usage.',
    "Run 'hubsync <command> --help' for a command's options.",
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return [
    ...command.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}hubsync ${u}`),
    '',
    command.summary,
    '',
    'Options:',
    describeOptions([...command.options, ...GLOBAL_OPTIONS]),
  ].join('\n');
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, '; ').trim();

export async function runCli(
  argv: readonly string[],
  io: Pick<CliContext, 'stdout' | 'stderr'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${mainHelp()}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`hubsync: unknown command '${name}' (see hubsync --help)\n`);
    return EXIT_USAGE;
  }
  let temporal: ReturnType<typeof lazyTemporal> | undefined;
  try {
    const args = parseArgs(rest, [...command.options, ...GLOBAL_OPTIONS]);
    if (args.options.get('help') === true) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return EXIT_OK;
    }
    const config = parseConfig(env);
    const portal = args.options.get('portal');
    const portalId = typeof portal === 'string' ? portal : config.HUBSPOT_PORTAL_ID;
    if (!/^\d+$/.test(portalId)) throw new UsageError(`--portal must be a numeric portal id`);
    temporal = lazyTemporal(config);
    return await command.run(args, { config, portalId, ...io, temporal: temporal.get });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`hubsync ${command.name}: ${err.message} (see hubsync ${command.name} --help)\n`);
      return EXIT_USAGE;
    }
    const message =
      err instanceof ConfigError ? `invalid configuration: ${err.problems.join('; ')}` : (err as Error).message;
    io.stderr.write(`hubsync ${command.name}: ${oneLine(message)}\n`);
    return EXIT_FAILURE;
  } finally {
    await temporal?.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`hubsync: ${oneLine((err as Error).message)}\n`);
      process.exit(EXIT_FAILURE);
    },
  );
}
