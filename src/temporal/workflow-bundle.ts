import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The worker's workflow code, bundled by webpack in a short-lived child process: bundling in the worker itself
// leaves ~150 MB of webpack's heap in the worker's RSS for its whole life (V8 keeps the pages it grew into).
// The bundle is built from the same sources at every start, so it can never be stale.

const BUNDLE_SCRIPT = `
const [workerModule, options, out] = process.argv.slice(1);
require(workerModule)
  .bundleWorkflowCode({ ...JSON.parse(options), logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } })
  .then(({ code }) => require('node:fs').writeFileSync(out, code))
  .catch((err) => { console.error(err); process.exit(1); });
`;

/**
 * Bundles `workflowsPath` in a child node process; returns the bundle's path for `workflowBundle.codePath`. The
 * data converter's converter modules run inside the workflow sandbox, so they are bundled in too, as the worker
 * would when bundling itself.
 */
export async function bundleWorkflowsApart(
  workflowsPath: string,
  dataConverter: { payloadConverterPath?: string; failureConverterPath?: string } = {},
): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'hubsync-workflows-')), 'bundle.js');
  const options = {
    workflowsPath,
    ...(dataConverter.payloadConverterPath ? { payloadConverterPath: dataConverter.payloadConverterPath } : {}),
    ...(dataConverter.failureConverterPath ? { failureConverterPath: dataConverter.failureConverterPath } : {}),
  };
  await promisify(execFile)(
    process.execPath,
    ['-e', BUNDLE_SCRIPT, require.resolve('@temporalio/worker'), JSON.stringify(options), out],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return out;
}
