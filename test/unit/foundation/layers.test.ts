/**
 * The layer rules of eslint.config.mjs, run by ESLint itself: each rejects a violating import in
 * the folder it guards and lets the legal ones through, and every import in src/ obeys them. (The
 * whole tree is also linted by scripts/test.sh's lint layer; here only the import lines of each
 * file are linted, under the file's own path, which keeps this test fast.)
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE = /^\s*(?:(?:import|export)\b[^;'"]*?\bfrom|import)\s*['"]([^'"]+)['"]/gm;

/** The specifiers a file imports or re-exports (static imports; `import type` included). */
function importsOf(abs: string): string[] {
  return [...readFileSync(abs, 'utf8').matchAll(IMPORT_RE)].map((m) => m[1]);
}

/** [file, code, rejected?] — a file path decides which rules apply. */
const PROBES: ReadonlyArray<readonly [string, string, boolean]> = [
  // core: the ground floor
  ['src/core/vmx/probe.ts', "import { log } from '../../extension/log';", true],
  ['src/core/vmx/probe.ts', "import type { EvidenceView } from '../../webview/backup/protocol';", true],
  ['src/core/probe.ts', "import { main } from '../cli/main';", true],
  ['src/core/probe.ts', "import * as vscode from 'vscode';", true],
  ['src/core/vmx/probe.ts', "import { lazy } from '../lazy';", false],
  // cli: over core
  ['src/cli/commands/probe.ts', "import { log } from '../../extension/log';", true],
  ['src/cli/probe.ts', "import * as vscode from 'vscode';", true],
  ['src/cli/commands/probe.ts', "import { parseEndpoint } from '../../core/net/endpoint';", false],
  // webview: the browser
  ['src/webview/memory/probe.ts', "import * as vscode from 'vscode';", true],
  ['src/webview/memory/probe.ts', "import { readFileSync } from 'node:fs';", true],
  ['src/webview/memory/probe.ts', "import { join } from 'path';", true],
  ['src/webview/memory/probe.ts', "import { log } from '../../extension/log';", true],
  ['src/webview/memory/probe.ts', "import type { MemoryView } from '../../core/memory/view';", false],
  // extension: a feature imports no other feature
  ['src/extension/memory/probe.ts', "import { CertStore } from '../certs/store';", true],
  ['src/extension/certs/steps/probe.ts', "import { memoryWarnings } from '../../memory/warnings';", true],
  ['src/extension/inventory/probe.ts', "import { memoryWarnings } from '../memory/warnings';", true],
  ['src/extension/commands/probe.ts', "import { memoryWarnings } from '../memory/warnings';", true],
  ['src/extension/memory/probe.ts', "import { SessionManager } from '../inventory/sessions';", true],
  ['src/extension/memory/probe.ts', "import type { CertWizardState } from '../../webview/certs/protocol';", true],
  ['src/extension/memory/probe.ts', "import { activate } from '../extension';", true],
  ['src/extension/certs/steps/probe.ts', "import { CertStore } from '../store';", false],
  ['src/extension/memory/probe.ts', "import type { InventoryServices } from '../inventory/services';", false],
  ['src/extension/memory/probe.ts', "import type { InventoryDecorator } from '../inventory/decorations';", false],
  ['src/extension/memory/probe.ts', "import type { MemoryProtocol } from '../../webview/memory/protocol';", false],
  ['src/extension/backup/probe.ts', "import { log } from '../log';\nimport { registerCommand } from '../commands';\nimport { sshService } from '../ssh';\nimport { PanelHost } from '../panels/panelHost';", false],
  ['src/extension/probe.ts', "import { registerMemory } from './memory';", false],
  // one lazy-loading convention
  ['src/extension/memory/probe.ts', "export const data = () => import('./data');", true],
  ['src/core/probe.ts', "export const forge = require('node-forge');", true],
  ['src/cli/probe.ts', "import { lazy } from '../core/lazy';\nexport const ssh = lazy(() => require('../core/esxi/ssh') as typeof import('../core/esxi/ssh'));", false],
];

describe('layers: the lint rules that keep them straight', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: ROOT, ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-syntax' });
  const layerHits = async (file: string, code: string) => {
    const [res] = await eslint.lintText(`${code}\n`, { filePath: join(ROOT, file) });
    assert.deepEqual(res.messages.filter((m) => m.fatal), [], `${file} parses`);
    return res.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax');
  };

  it('each rule rejects a violating import in the folder it guards and allows the legal ones', async () => {
    const wrong: string[] = [];
    for (const [file, code, rejected] of PROBES) {
      const hits = await layerHits(file, code);
      if ((hits.length > 0) !== rejected) wrong.push(`${file}: ${code} — ${rejected ? 'not rejected' : `rejected (${hits.map((h) => h.message).join('; ')})`}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('every import in src/ obeys the layers', async () => {
    const bad: string[] = [];
    let seen = 0;
    const files = sources(join(ROOT, 'src'));
    assert.ok(files.length > 100);
    for (const abs of files) {
      const specs = importsOf(abs);
      if (!specs.length) continue;
      seen += specs.length;
      const hits = await layerHits(relative(ROOT, abs), specs.map((s) => `import ${JSON.stringify(s)};`).join('\n'));
      for (const h of hits) bad.push(`${relative(ROOT, abs)}: ${h.message}`);
    }
    assert.ok(seen > 500, `${seen} imports read`);
    assert.deepEqual(bad, []);
  });

  it('src/ has no import cycle (type-only imports count: a shared type lives below both users)', () => {
    const files = sources(join(ROOT, 'src'));
    const edges = new Map<string, string[]>();
    for (const f of files) {
      const deps: string[] = [];
      for (const spec of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const base = resolve(dirname(f), spec);
        const hit = [`${base}.ts`, join(base, 'index.ts')].find((c) => existsSync(c));
        if (hit) deps.push(hit);
      }
      edges.set(f, deps);
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      state.set(f, 'open');
      for (const d of edges.get(f) ?? []) {
        if (state.get(d) === 'open') cycles.push([...path.slice(path.indexOf(d)), d].map((p) => relative(ROOT, p)).join(' → '));
        else if (!state.has(d)) visit(d, [...path, d]);
      }
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f, [f]);
    assert.deepEqual(cycles, []);
  });
});
