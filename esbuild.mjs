// Bundles the extension (node/cjs), the `vlab` CLI (node/cjs), the webviews (browser/esm)
// and, with --tests, the integration tests that run inside the VS Code extension host.
//   node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Native add-ons that ssh2 loads optionally (it falls back to pure JS without them). */
const nodeExternals = ['vscode', 'cpu-features', '*.node'];

const common = {
  bundle: true,
  minify: production,
  // Error classes name themselves from new.target.name (src/core/errors.ts): keep class names when minifying.
  keepNames: true,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  legalComments: 'none',
};

/** One bundle per folder in src/webview that has a main.ts. */
function webviewEntries() {
  const dir = 'src/webview';
  if (!existsSync(dir)) return {};
  const out = {};
  for (const name of readdirSync(dir)) {
    const main = join(dir, name, 'main.ts');
    if (statSync(join(dir, name)).isDirectory() && existsSync(main)) out[`webview/${name}`] = main;
  }
  return out;
}

/**
 * iconv-lite (code pages, ~480 KiB of tables) lives in its own bundle, dist/codepages.js, which the
 * extension and the CLI require only when a .vmx declares a non-UTF-8 encoding.
 */
const codepagesExternal = {
  name: 'codepages-external',
  setup(build) {
    build.onResolve({ filter: /^iconv-lite$/ }, () => ({ path: './codepages.js', external: true }));
  },
};

/** Problem matcher friendly output for --watch (VS Code's esbuild-problem-matchers). */
const watchReporter = {
  name: 'watch-reporter',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/** Node bundles in dist/ (the extension and the CLI leave iconv-lite's code pages to dist/codepages.js). */
const node = { ...common, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20' };
const configs = [
  // The banner and footer timestamp the bundle's first and last statements (src/extension/activationTimes.ts).
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, external: nodeExternals, plugins: [codepagesExternal], banner: { js: 'var __vlabModuleStart = performance.now();' }, footer: { js: 'var __vlabModuleEnd = performance.now();' } },
  { ...node, entryPoints: { codepages: 'node_modules/iconv-lite/lib/index.js' } },
  // The CLI: dist/cli.js is src/cli/entry.ts, which loads dist/cli-vdr.js for `vlab vdr …` (not compiling the whole CLI) and dist/cli-main.js otherwise.
  { ...node, entryPoints: { 'cli-main': 'src/cli/main.ts', 'cli-vdr': 'src/cli/vdrMain.ts' }, external: nodeExternals, plugins: [codepagesExternal] },
  { ...node, entryPoints: { cli: 'src/cli/entry.ts' }, external: ['./cli-main.js', './cli-vdr.js'], banner: { js: '#!/usr/bin/env node' } },
];

/** The codicon font for webviews (vscode-elements looks for #vscode-codicon-stylesheet). */
function copyCodicons() {
  const from = 'node_modules/@vscode/codicons/dist';
  const to = 'dist/webview/codicons';
  mkdirSync(to, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(from, f), join(to, f));
}

const webviews = webviewEntries();
if (tests && existsSync('test/webview')) {
  // Test-only webviews: dist/webview/test-<name>.js (kept out of the .vsix by .vscodeignore).
  for (const name of readdirSync('test/webview')) webviews[`webview/test-${name}`] = join('test/webview', name, 'main.ts');
}
copyCodicons();
if (Object.keys(webviews).length) {
  configs.push({
    ...common,
    entryPoints: webviews,
    outdir: 'dist',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    loader: { '.css': 'text', '.svg': 'text' },
  });
}

if (tests) {
  // Integration tests: bundled per file so mocha sees one module per suite.
  const files = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk('test/integration');
  configs.push({
    ...node,
    minify: false,
    sourcemap: 'inline',
    entryPoints: files,
    outbase: 'test/integration',
    outdir: 'out/integration',
    external: [...nodeExternals, 'mocha'],
  });
}

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context({ ...c, plugins: [...(c.plugins ?? []), watchReporter] })));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
