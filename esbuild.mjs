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
 * Heavy libraries that only lazily loaded code reaches (core/lazy.ts) live in bundles of their own,
 * which the extension and the CLI require on first use: compiling them is then not part of loading
 * dist/extension.js at activation (V8 still pre-parses every lazy function of a bundle it loads).
 * - iconv-lite (code pages, ~480 KiB of tables) → dist/codepages.js, when a .vmx declares a non-UTF-8 encoding;
 * - node-forge → dist/forge.js, when a certificate is read, requested or deployed;
 * - ssh2 (with tweetnacl, bcrypt-pbkdf, asn1) → dist/ssh2.js, when an SSH session opens;
 * - the .vmx key catalog (src/core/vmx/catalog.json) → dist/vmx-catalog.js, when .vmx language features first run.
 * None of them shares a class with our code, so `instanceof` is unaffected by the split.
 */
const ownBundles = [
  { filter: /^iconv-lite$/, out: 'codepages', entry: 'node_modules/iconv-lite/lib/index.js' },
  { filter: /^node-forge$/, out: 'forge', entry: 'node_modules/node-forge/lib/index.js' },
  { filter: /^ssh2$/, out: 'ssh2', entry: 'node_modules/ssh2/lib/index.js' },
  // (a .json entry point would come out with empty exports in CommonJS: a one-line module requires it)
  { filter: /^\.\/catalog\.json$/, importer: /[\\/]src[\\/]core[\\/]vmx[\\/]catalog\.ts$/, out: 'vmx-catalog', stdin: { contents: "module.exports = require('./catalog.json');", resolveDir: 'src/core/vmx', loader: 'js' } },
];
const ownBundlesExternal = {
  name: 'own-bundles-external',
  setup(build) {
    for (const b of ownBundles) {
      build.onResolve({ filter: b.filter }, (args) => (!b.importer || b.importer.test(args.importer) ? { path: `./${b.out}.js`, external: true } : undefined));
    }
  },
};

/**
 * One `require('vscode')` for the whole extension bundle: esbuild otherwise gives every module that
 * imports 'vscode' its own copy of the API object's properties (a getter per name, ~80 modules ×
 * ~200 names at load). Every import of 'vscode' resolves to this one module, which re-exports it.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
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

/** Node bundles in dist/ (the extension and the CLI leave the libraries in ownBundles to bundles of their own). */
const node = { ...common, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20' };
const configs = [
  // The banner and footer timestamp the bundle's first and last statements (src/extension/activationTimes.ts).
  // --production: the bundle is dist/extension-main.js, loaded through a V8 code cache by dist/extension.js (src/extension/loader.ts).
  { ...node, entryPoints: { [production ? 'extension-main' : 'extension']: 'src/extension/extension.ts' }, external: nodeExternals, plugins: [ownBundlesExternal, vscodeOnce], banner: { js: 'var __vlabModuleStart = performance.now();' }, footer: { js: 'var __vlabModuleEnd = performance.now();' } },
  ...(production ? [{ ...node, entryPoints: { extension: 'src/extension/loader.ts' } }] : []),
  ...ownBundles.map(({ out, entry, stdin }) => {
    const { outdir, ...rest } = node;
    return stdin ? { ...rest, stdin, outfile: join(outdir, `${out}.js`) } : { ...node, entryPoints: { [out]: entry }, external: nodeExternals };
  }),
  // The CLI: dist/cli.js is src/cli/entry.ts, which loads dist/cli-vdr.js for `vlab vdr …` (not compiling the whole CLI) and dist/cli-main.js otherwise.
  { ...node, entryPoints: { 'cli-main': 'src/cli/main.ts', 'cli-vdr': 'src/cli/vdrMain.ts' }, external: nodeExternals, plugins: [ownBundlesExternal] },
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
