/**
 * Starts code-server (a real VS Code 1.100.3 with a Node extension host) on 127.0.0.1 and
 * drives its workbench with Chromium through playwright-core. Shared by the integration
 * runner, the e2e tests, the demo and the screenshot tool.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { exitOnSignals } from '../lab/vcsim';

export const REPO = resolve(__dirname, '..', '..');
export const CODE_SERVER = join(REPO, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.VLAB_CHROMIUM ?? '/usr/bin/chromium';

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

export interface CodeServerOptions {
  workspace: string;
  /** Extensions folder (a .vsix may be installed into it first). */
  extensionsDir?: string;
  userDataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** User settings written before start. */
  settings?: Record<string, unknown>;
  log?: (line: string) => void;
  /** Extra code-server arguments (e.g. ['--log', 'trace']). */
  args?: string[];
  /**
   * Workspace trust: 'disabled' (default: every workspace trusted) or 'restricted' (trust on, the
   * workspace opened untrusted, in Restricted Mode, without the start-up prompt).
   */
  trust?: 'disabled' | 'restricted';
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's pid, also its process group (its extension hosts are in it). */
  readonly pid?: number;
  stop(): Promise<void>;
}

function codeServerArgs(userDataDir: string, extensionsDir: string, trust: 'disabled' | 'restricted' = 'disabled'): string[] {
  const cfg = join(userDataDir, 'config.yaml');
  if (!existsSync(cfg)) writeFileSync(cfg, 'auth: none\ncert: false\n');
  return ['--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(trust === 'disabled' ? ['--disable-workspace-trust'] : []),
    '--disable-getting-started-override', '--config', cfg, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

function requireCodeServer(): void {
  if (!existsSync(CODE_SERVER)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER}: run 'bash scripts/setup.sh' (npm test does it).`);
  }
}

/** Installs a .vsix into an extensions folder with code-server's own CLI. */
export async function installVsix(vsix: string, extensionsDir: string, userDataDir: string): Promise<void> {
  requireCodeServer();
  mkdirSync(extensionsDir, { recursive: true });
  await run(CODE_SERVER, [...codeServerArgs(userDataDir, extensionsDir), '--install-extension', vsix, '--force']);
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', fail);
    p.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} exited ${code}: ${out.trim()}`))));
  });
}

/** Process groups of the code-servers this process started and has not stopped yet. */
const liveGroups = new Set<number>();
let groupHookInstalled = false;

/**
 * On any exit of this process (a failed test, an exception, Ctrl-C through exitOnSignals) every
 * code-server group it started is killed whole — code-server, its extension hosts, their children —
 * so none is left reparented to init holding the checkout.
 */
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (groupHookInstalled) return;
  groupHookInstalled = true;
  process.once('exit', () => {
    for (const g of liveGroups) {
      try { process.kill(-g, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
  exitOnSignals();
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  requireCodeServer();
  const userDataDir = opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'vlab-ud-'));
  const extensionsDir = opts.extensionsDir ?? join(userDataDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': opts.trust === 'restricted',
    ...(opts.trust === 'restricted' ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false } : {}),
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'git.openRepositoryInParentFolders': 'never',
    'workbench.editor.enablePreview': false,
    ...opts.settings,
  }, null, 2));
  const port = await freePort();
  const child: ChildProcess = spawn(CODE_SERVER, [...codeServerArgs(userDataDir, extensionsDir, opts.trust), '--bind-addr', `127.0.0.1:${port}`, ...(opts.args ?? []), opts.workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
    detached: true,
  });
  if (child.pid) trackGroup(child.pid);
  const onData = (d: Buffer) => opts.log?.(d.toString());
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited during start (port ${port})`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not yet listening */ }
    if (Date.now() > deadline) throw new Error('code-server did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 150));
  }
  let stopped = false;
  return {
    url, port, userDataDir, extensionsDir, pid: child.pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited && child.pid) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
        const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await gone;
        clearTimeout(t);
      }
      // The group may outlive its leader (an extension host that ignored SIGTERM): end it whole.
      if (child.pid) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the whole group is gone */ }
        liveGroups.delete(child.pid);
      }
      if (!opts.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Chromium flags that keep a headless browser quiet on a machine with no internet. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Headless Chromium (Debian's) with a fresh temporary profile, as playwright-core launches it. */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Opens the workbench and waits until it is there. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 60_000): Promise<void> {
  await page.goto(url, { timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
}

/** The workbench URL that loads an extension under development and runs its tests (DESIGN.md, the rig). */
export function testPayloadUrl(server: CodeServer, workspace: string, extensionDevelopmentPath: string, extensionTestsPath?: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${resolve(p)}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return `${server.url}/?folder=${encodeURIComponent(resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
