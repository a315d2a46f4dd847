// Hand-written argv parsing for the hubsync CLI: `--name value`, `--name=value`, boolean `--flag` and
// `--no-flag`, positionals. Anything unknown is a usage error (exit code 2), never silently ignored.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  name: string;
  /** Takes a value (`--objects contacts,deals`); otherwise a boolean flag. */
  value?: string;
  description: string;
}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | boolean>;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const parsed: ParsedArgs = { positionals: [], options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      parsed.options.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const [rawName, inline] = splitOnce(arg.slice(2), '=');
    const negated = !byName.has(rawName) && rawName.startsWith('no-') ? rawName.slice(3) : undefined;
    const spec = byName.get(negated ?? rawName);
    if (!spec) throw new UsageError(`unknown option --${rawName}`);
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      parsed.options.set(spec.name, negated === undefined);
      continue;
    }
    if (negated !== undefined) throw new UsageError(`--${rawName} is not an option`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`--${spec.name} needs a value (${spec.value})`);
    parsed.options.set(spec.name, value);
  }
  return parsed;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function flag(args: ParsedArgs, name: string, fallback: boolean): boolean {
  const value = args.options.get(name);
  return typeof value === 'boolean' ? value : fallback;
}

/** Renders an option table for --help. */
export function describeOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.value ? ` ${s.value}` : ''}`, s.description] as const);
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}
