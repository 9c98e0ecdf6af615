#!/usr/bin/env node
// Builds each WebAssembly text module of src/ (`*.wat`) into a TypeScript module beside it
// (`*.wasm.ts`: the binary as base64), so neither the build nor the extension needs a WebAssembly
// tool. `node scripts/wasm.mjs` rewrites them; `--check` exits 1 when one is not its .wat's build
// (a unit test runs the same comparison). wabt (npm, devDependency) assembles the text.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The .wat files under src/. */
export function watFiles(dir = path.join(root, 'src')) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...watFiles(p));
    else if (e.name.endsWith('.wat')) out.push(p);
  }
  return out.sort();
}

/** The TypeScript module text for one .wat file. */
export async function buildWasmModule(watFile) {
  const wabt = await wabtInit();
  const mod = wabt.parseWat(path.basename(watFile), readFileSync(watFile, 'utf8'), { simd: true });
  try {
    mod.validate();
    const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
    const b64 = Buffer.from(buffer).toString('base64');
    const lines = b64.match(/.{1,100}/g) ?? [];
    return [
      `// Built by \`node scripts/wasm.mjs\` from ${path.basename(watFile)} (${buffer.length} bytes); do not edit.`,
      '// A unit test fails when this is not that file\'s build.',
      'export const WASM_BASE64 =',
      lines.map((l) => `  '${l}'`).join(' +\n') + ';',
      '',
    ].join('\n');
  } finally {
    mod.destroy();
  }
}

export const outFile = (watFile) => watFile.replace(/\.wat$/, '.wasm.ts');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const f of watFiles()) {
    const text = await buildWasmModule(f);
    const out = outFile(f);
    let old = '';
    try { old = readFileSync(out, 'utf8'); } catch { /* new */ }
    if (old === text) continue;
    if (check) { console.error(`${path.relative(root, out)} is not the build of ${path.relative(root, f)}: run node scripts/wasm.mjs`); stale++; }
    else { writeFileSync(out, text); console.log(`wrote ${path.relative(root, out)}`); }
  }
  process.exit(stale ? 1 : 0);
}
