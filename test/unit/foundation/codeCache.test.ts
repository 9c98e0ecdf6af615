import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCachePath, runWithCodeCache } from '../../../src/extension/codeCache';

/** Runs the bundle as a fresh module (what the loader does in the extension host) and returns its exports. */
function load(bundle: string): { use: string; exports: { answer: number; file: string; dir: string; vscode: unknown } } {
  const mod = new Module(bundle);
  const nodeRequire = Module.createRequire(bundle);
  const req = ((id: string) => (id === 'vscode' ? 'the api' : nodeRequire(id))) as NodeJS.Require;
  const use = runWithCodeCache(bundle, mod, req, 0);
  return { use, exports: mod.exports as never };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('code cache loader (src/extension/codeCache.ts, dist/extension.js in production)', () => {
  let dir: string;
  let bundle: string;
  const source = (n: number) => `"use strict";\nconst v = require('vscode');\nmodule.exports = { answer: ${n}, file: __filename, dir: __dirname, vscode: v };\n`;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vlab-codecache-'));
    bundle = join(dir, 'extension-main.js');
    writeFileSync(bundle, source(41));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the bundle as the given module with its require, then writes a cache that the next load uses', async () => {
    const first = load(bundle);
    assert.equal(first.use, 'miss');
    assert.deepEqual(first.exports, { answer: 41, file: bundle, dir, vscode: 'the api' });
    await settle();
    assert.ok(existsSync(codeCachePath(bundle, source(41))), 'the cache is written after the load');
    const second = load(bundle);
    assert.equal(second.use, 'hit');
    assert.equal(second.exports.answer, 41);
  });

  it('never uses the cache of other content of the same length (V8 itself checks only the length)', async () => {
    load(bundle);
    await settle();
    writeFileSync(bundle, source(42));
    assert.equal(source(41).length, source(42).length);
    const after = load(bundle);
    assert.equal(after.use, 'miss');
    assert.equal(after.exports.answer, 42);
  });

  it('compiles as usual when the cache is not V8\'s (rejected), and writes a good one', async () => {
    const cache = codeCachePath(bundle, source(41));
    writeFileSync(cache, Buffer.alloc(256, 7));
    const r = load(bundle);
    assert.equal(r.use, 'rejected');
    assert.equal(r.exports.answer, 41);
    await settle();
    assert.notDeepEqual(readFileSync(cache), Buffer.alloc(256, 7));
    assert.equal(load(bundle).use, 'hit');
  });

  it('keeps the bundle\'s line numbers in stack traces (the wrapper stays on its first line)', () => {
    writeFileSync(bundle, '"use strict";\n\nmodule.exports = { answer: 0, stack: new Error("x").stack };\n');
    const r = load(bundle) as unknown as { exports: { stack: string } };
    assert.match(r.exports.stack, /extension-main\.js:3:/);
  });
});
