/**
 * Activation as VS Code sees it, in the real VS Code (code-server + headless Chromium, the rig):
 * from the extension host's start of loading our module (its mark
 * `code/extHost/willLoadExtensionCode/<id>`) to activate() resolved (`…/didActivateExtension/<id>`),
 * read from VS Code's own performance marks by the extension (src/extension/activationTimes.ts) and
 * written to VLAB_ACTIVATION_TIMES_FILE. Each round opens a fresh workbench window (its own extension
 * host) on one code-server, loading dist/extension.js as built for shipping, and activates it by
 * opening the vSphere Lab view. Target: < 50 ms (median).
 *
 * Beside it: the module load time of dist/extension.js in plain Node (a fresh `node` process per
 * sample requiring the bundle, with a stand-in `vscode` module: loading only, no activate()).
 *
 *   npm run bench -- activation
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, startCodeServer, testPayloadUrl } from '../test/rig/codeServer';
import { buildDist, EXTENSION_BUNDLE, REPO_ROOT, standalone, type Harness } from './harness';

interface Times { hostLoadToActivatedMs?: number; hostLoadMs?: number; moduleEvalMs?: number; hostGapMs?: number; activateMs: number }

/**
 * Requires the bundle in a fresh Node with a stand-in `vscode`: every top-level name of the API
 * (from @types/vscode, so esbuild's import helper copies them) is a proxy that answers anything.
 */
const LOAD_SCRIPT = `
const Module = require('module');
const names = JSON.parse(process.argv[2]);
const target = class {};
const stub = new Proxy(target, {
  get: (t, k) => (k === '__esModule' ? false : k === 'prototype' ? t.prototype : stub),
  apply: () => stub, construct: () => ({}),
  ownKeys: () => [...names, 'prototype'],
  getOwnPropertyDescriptor: (t, k) => (k === 'prototype' ? Object.getOwnPropertyDescriptor(t, k) : { configurable: true, enumerable: true, value: stub, writable: true }),
});
const load = Module._load;
Module._load = function (req, ...rest) { return req === 'vscode' ? stub : load.call(this, req, ...rest); };
const t0 = performance.now();
require(process.argv[1]);
process.stdout.write(String(performance.now() - t0));
`;

function vscodeNames(): string {
  const dts = readFileSync(join(REPO_ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of dts.matchAll(/^\t(?:export )?(?:namespace|class|enum|const|function|let) (\w+)/gm)) names.add(m[1]);
  return JSON.stringify([...names]);
}

let NAMES = '[]';
function nodeLoadOnce(): { ms: number } {
  const r = spawnSync(process.execPath, ['-e', LOAD_SCRIPT, EXTENSION_BUNDLE, NAMES], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loading dist/extension.js in Node failed: ${r.stderr.slice(-400)}`);
  return { ms: Number(r.stdout) };
}

export async function run(h: Harness): Promise<void> {
  buildDist();
  NAMES = vscodeNames();
  const dir = mkdtempSync(join(tmpdir(), 'vlab-bench-activation-'));
  const timesFile = join(dir, 'times.jsonl');
  const workspace = join(REPO_ROOT, 'test', 'fixtures', 'workspace');
  const server = await startCodeServer({ workspace, userDataDir: join(dir, 'user'), env: { VLAB_ACTIVATION_TIMES_FILE: timesFile } });
  const browser = await launchBrowser();
  const seen: Times[] = [];
  try {
    const readLines = (): Times[] => (existsSync(timesFile) ? readFileSync(timesFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Times) : []);
    const activateOnce = async (): Promise<{ ms: number }> => {
      const before = readLines().length;
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      try {
        // generous: on a loaded machine the workbench alone can take longer than Playwright's 30 s default
        await page.goto(testPayloadUrl(server, workspace, REPO_ROOT), { timeout: 180_000, waitUntil: 'domcontentloaded' });
        await page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
        await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click({ timeout: 60_000 });
        const deadline = Date.now() + 60_000;
        for (;;) {
          const lines = readLines();
          if (lines.length > before) {
            const t = lines[lines.length - 1];
            if (t.hostLoadToActivatedMs === undefined) throw new Error('the extension host has no performance marks for our extension');
            seen.push(t);
            return { ms: t.hostLoadToActivatedMs };
          }
          if (Date.now() > deadline) throw new Error('the extension did not activate within 60 s of opening its view');
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await page.close();
      }
    };
    await h.bench({
      name: 'activation', what: 'extension activation in VS Code (code-server): host starts loading our module → activate() resolved',
      ours: { label: 'VS Code\'s marks willLoadExtensionCode → didActivateExtension (a fresh window each round)', run: activateOnce },
      warmup: 1, target: { maxMs: 50 },
      note: 'VS Code\'s marks are Date.now() in the extension host: 1 ms resolution',
    });
    const med = (k: keyof Times): string => {
      const xs = seen.map((t) => t[k]).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
      return xs.length ? xs[xs.length >> 1].toFixed(1) : '–';
    };
    h.note(`activation split (medians over ${seen.length} windows): host load of our code ${med('hostLoadMs')} ms; our bundle's top level ${med('moduleEvalMs')} ms; host's gap before calling activate() ${med('hostGapMs')} ms; activate() body ${med('activateMs')} ms`);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  await h.bench({
    name: 'activation-node-load', what: 'require(dist/extension.js) in a fresh Node process (vscode stubbed; no activate)',
    ours: { label: 'node: require of the shipped bundle', run: nodeLoadOnce },
    warmup: 1, target: {},
  });
}

if (require.main === module) standalone('activation', run);
