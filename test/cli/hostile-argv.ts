// The hostile command lines both CLI tests feed hubsync: in process (hostile-input.test.ts) and as the real
// entry point (hostile-entry-point.integration.test.ts).
import fc from 'fast-check';

// Nothing a fuzzed command line does can reach a real service: both addresses refuse connections at once.
export const DEAD_ENV = {
  PATH: process.env.PATH,
  LOG_LEVEL: 'silent',
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
};
export const COMMANDS = ['sync', 'backfill', 'schedule', 'status', 'push', 'failures', 'replay'];
export const WORDS = [
  'now',
  'ensure',
  'pause',
  'resume',
  'contacts',
  '--objects',
  'contacts,deals',
  '--wait',
  '--no-wait',
  '--portal',
  '123',
  '--json',
  '--limit',
  '5',
  '--type',
  '--note',
  'x',
  '--',
  '-h',
];

export const STACK_LINE = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

/** A command line that is certainly a usage mistake: a known command with one poisoned token spliced in. */
export const usageMistake = fc
  .record({
    command: fc.constantFrom(...COMMANDS),
    words: fc.array(fc.constantFrom(...WORDS.filter((w) => w !== '--' && w !== '-h' && w !== '--help')), {
      maxLength: 4,
    }),
    at: fc.nat(),
    poison: fc.oneof(
      fc.stringMatching(/^[a-z][a-z-]{0,12}$/).map((name) => `--zz-${name}`),
      fc.constantFrom(
        '--portal=',
        '--wait=yes',
        '--no-portal',
        '--no-objects=1',
        '---',
        '--=x',
        '--objects=',
        '--no-zz',
      ),
    ),
  })
  .map(({ command, words, at, poison }) => {
    const argv = [...words];
    argv.splice(at % (argv.length + 1), 0, poison);
    return [command, ...argv];
  });
