/**
 * Runs the integration tests inside a real VS Code extension host through
 * @vscode/test-electron's runTests(), pointed at our code-server launcher (no desktop
 * VS Code can be downloaded here). Prints `INTEGRATION passed=N failed=N`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { freePort } from '../rig/codeServer';
import { untrustedProbe } from './inventory/untrustedProbe';

const REPO = resolve(__dirname, '..', '..');

interface PassResult { passed: number; failed: number; code: number }

/** One run of the integration tests in a fresh code-server; `env` goes to the launcher and the extension host. */
async function pass(workspace: string, env: Record<string, string>): Promise<PassResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'vlab-int-'));
  const results = join(scratch, 'results.json');
  let code: number;
  try {
    code = await runTests({
      vscodeExecutablePath: join(REPO, 'test', 'rig', 'launcher.sh'),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: join(REPO, 'out', 'integration', 'index.js'),
      launchArgs: [workspace],
      extensionTestsEnv: { VLAB_TEST_RESULTS: results, ...env },
    });
  } catch (e) {
    code = typeof e === 'number' ? e : 1;
    if (typeof e !== 'number') console.error(e);
  }
  let passed = 0;
  let failed = code === 0 ? 0 : 1;
  if (existsSync(results)) {
    const r = JSON.parse(readFileSync(results, 'utf8')) as { passed: number; failed: number; failures: { title: string; error: string }[] };
    passed = r.passed;
    failed = r.failed;
    for (const f of r.failures) console.error(`FAILED: ${f.title}\n${f.error}\n`);
  } else {
    console.error('the extension host wrote no results (it did not start, or crashed)');
  }
  rmSync(scratch, { recursive: true, force: true });
  return { passed, failed, code };
}

/** The tests that run a second time in a restricted (untrusted) workspace. */
const RESTRICTED_GREP = 'untrusted workspace';

async function main(): Promise<number> {
  const runs: PassResult[] = [await pass(join(REPO, 'test', 'fixtures', 'workspace'), {})];
  const grep = process.env.VLAB_TEST_GREP;
  if (!grep || new RegExp(grep).test(RESTRICTED_GREP)) {
    // Workspace trust on, a fresh folder the user never trusted: VS Code runs in Restricted Mode.
    // Its settings declare a connection to a port the test listens on, there before VS Code starts.
    const untrusted = mkdtempSync(join(tmpdir(), 'vlab-untrusted-'));
    const port = await freePort();
    mkdirSync(join(untrusted, '.vscode'));
    writeFileSync(join(untrusted, '.vscode', 'settings.json'), JSON.stringify({ 'vsphereLab.connections': [untrustedProbe(port)] }, null, 2));
    try {
      runs.push(await pass(untrusted, { VLAB_WORKSPACE_TRUST: 'restricted', VLAB_TEST_GREP: RESTRICTED_GREP, VLAB_UNTRUSTED_PORT: String(port) }));
    } finally {
      rmSync(untrusted, { recursive: true, force: true });
    }
  }
  const passed = runs.reduce((n, r) => n + r.passed, 0);
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  console.log(`INTEGRATION passed=${passed} failed=${failed}`);
  return failed > 0 || runs.some((r) => r.code !== 0) ? 1 : 0;
}

main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
