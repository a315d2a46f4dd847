import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { isObjectType, OBJECT_TYPES, type ObjectType } from '../sync/object-types';
import { temporalConnectionOptions, type TemporalConnectionConfig } from '../temporal/connection-options';
import { dataConverterOption } from '../temporal/payload-codec';
import { type OptionSpec, type ParsedArgs, stringOption, UsageError } from './args';

// What every CLI command gets: the parsed config, the portal it acts on, output streams, and a Temporal
// client opened only when a command needs it.

export interface CliOutput {
  write(text: string): void;
  isTTY?: boolean;
}

export interface CliContext {
  config: Config;
  portalId: string;
  stdout: CliOutput;
  stderr: CliOutput;
  temporal(): Promise<Client>;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Usage lines shown by `hubsync <name> --help`, without the leading `hubsync`. */
  usage: string[];
  options: OptionSpec[];
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const OBJECTS_OPTION: OptionSpec = {
  name: 'objects',
  value: 'a,b',
  description: `object types (default all: ${OBJECT_TYPES.join(',')})`,
};

export function objectTypesOption(args: ParsedArgs): ObjectType[] | undefined {
  const raw = stringOption(args, 'objects');
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !isObjectType(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--objects: unknown type ${unknown.join(', ') || '(none given)'}; known: ${OBJECT_TYPES.join(', ')}`,
    );
  return [...new Set(names)] as ObjectType[];
}

/** A lazily connected Temporal client; `close` is a no-op when no command asked for it. */
export function lazyTemporal(
  config: TemporalConnectionConfig & Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_PAYLOAD_KEY'>,
): { get(): Promise<Client>; close(): Promise<void> } {
  let connection: Connection | undefined;
  let client: Client | undefined;
  return {
    get: async () => {
      if (!client) {
        connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: 5_000 });
        client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...dataConverterOption(config) });
      }
      return client;
    },
    close: async () => {
      await connection?.close();
    },
  };
}
