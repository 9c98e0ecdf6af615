/**
 * A stand-in for the VS Code executable that @vscode/test-electron's runTests() spawns:
 * it accepts Electron-style arguments, runs the same workbench in code-server (a real VS Code
 * with a real Node extension host), loads the extension under development and its tests
 * through the workbench URL's `payload`, relays the test output and exits with the tests'
 * exit code. Needed because no desktop VS Code can be downloaded here.
 *
 *   launcher --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR] [WORKSPACE]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, openWorkbench, startCodeServer, testPayloadUrl, REPO } from './codeServer';

function parse(argv: string[]) {
  const opts: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) opts[a.slice(2, eq)] = a.slice(eq + 1);
      else if (['--extensionDevelopmentPath', '--extensionTestsPath', '--user-data-dir', '--extensions-dir', '--folder-uri'].includes(a)) opts[a.slice(2)] = argv[++i];
      else opts[a.slice(2)] = 'true';
    } else {
      positionals.push(a);
    }
  }
  return { opts, positionals };
}

/** Workbench chatter that says nothing about the tests (shown with VLAB_DEBUG=1). */
const NOISE = [/^Creating a socket/, /^Resolv(ing|ed) connection token/, /^\[Service Worker\]/, /^ChatSessionStore/,
  /^Updating additional builtin/, /ENOTFOUND/, /^Started local extension host/, /^Extension host .* started/];
function isWorkbenchNoise(text: string): boolean {
  return NOISE.some((r) => r.test(text));
}

async function main(): Promise<number> {
  const { opts, positionals } = parse(process.argv.slice(2));
  const devPath = opts.extensionDevelopmentPath ?? REPO;
  const testsPath = opts.extensionTestsPath;
  const workspace = positionals[0] ?? join(REPO, 'test', 'fixtures', 'workspace');
  // Electron profiles can be long paths; code-server wants its own short one.
  const userDataDir = mkdtempSync(join(tmpdir(), 'vlab-it-'));
  const timeoutMs = Number(process.env.VLAB_TEST_TIMEOUT_MS ?? 15 * 60_000);
  const server = await startCodeServer({
    workspace, userDataDir,
    trust: process.env.VLAB_WORKSPACE_TRUST === 'restricted' ? 'restricted' : 'disabled',
    env: { VLAB_TEST_RESULTS: process.env.VLAB_TEST_RESULTS ?? '', VLAB_TEST_GREP: process.env.VLAB_TEST_GREP ?? '', VLAB_REPO_ROOT: REPO },
    log: process.env.VLAB_DEBUG ? (l) => process.stderr.write(`[code-server] ${l}`) : undefined,
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    if (process.env.VLAB_DEBUG) page.on('console', (m) => process.stderr.write(`[browser] ${m.text()}\n`));
    let finish!: (code: number) => void;
    const exited = new Promise<number>((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const list = Array.isArray(args) ? args : [args];
      const text = format(...(list as [unknown, ...unknown[]]));
      if (!process.env.VLAB_DEBUG && isWorkbenchNoise(text)) return;
      (type === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : text + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    if (!testsPath) {
      await openWorkbench(page, testPayloadUrl(server, workspace, devPath));
      process.stdout.write(`${server.url}\n`);
      return await exited;
    }
    await openWorkbench(page, testPayloadUrl(server, workspace, devPath, testsPath));
    const timer = new Promise<number>((r) => setTimeout(() => { process.stderr.write(`tests did not finish within ${timeoutMs} ms\n`); r(1); }, timeoutMs).unref());
    return await Promise.race([exited, timer]);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => { process.stderr.write(`launcher: ${(e as Error).stack ?? e}\n`); process.exit(1); });
