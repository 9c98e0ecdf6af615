// Bundles the extension (node/cjs), the `vlab` CLI (node/cjs), the webviews (browser/esm)
// and, with --tests, the integration tests that run inside the VS Code extension host.
//   node esbuild.mjs [--production] [--watch] [--tests] [--outdir=DIR]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
/** --outdir=DIR: the bundles go there instead of dist/ (test/unit/foundation/startup.test.ts builds into a temporary folder). */
const DIST = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) || 'dist';

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

/**
 * The extension is two bundles (src/extension/deferred.ts): the startup bundle (src/extension/extension.ts:
 * what activate() needs) and dist/extension-features.js (src/extension/features.ts: every feature),
 * required on the first thing that needs a feature. CommonJS has no code splitting, so the sharing is
 * ours:
 * - every module of the startup bundle that the features import is not bundled again: the features
 *   bundle gets the startup bundle's own copy (one output channel, one connection store, one `vscode`),
 *   handed over by src/extension/deferred.ts (provideSharedModules, read by the features bundle's banner);
 * - the startup bundle's lazy `require('./vsphereApi')` (the vSphere client, at a connection's first
 *   use) is answered by the features bundle, which holds the client.
 * Three builds: the startup graph (to learn its modules), the features bundle (learning which of them it
 * imports), then the startup bundle with an entry that hands those over.
 */
const STARTUP_ENTRY = 'src/extension/extension.ts';
const FEATURES_ENTRY = 'src/extension/features.ts';
const DEFERRED = 'src/extension/deferred.ts';
const SHARED_GLOBAL = "Symbol.for('vsphereLab.sharedModules')";
const VSPHERE_API = /[\\/]src[\\/]extension[\\/]inventory[\\/]vsphereApi\.ts$/;

/** Startup build: `require('…/vsphereApi')` → the features bundle's `vsphereApi` export. */
const vsphereApiFromFeatures = {
  name: 'vsphere-api-from-features',
  setup(build) {
    build.onResolve({ filter: /vsphereApi$/ }, async (args) => {
      if (args.pluginData?.inner) return undefined;
      const r = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { inner: true } });
      return VSPHERE_API.test(r.path) ? { path: 'vsphereApi', namespace: 'vlab-from-features' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'vlab-from-features' }, () => ({
      contents: `module.exports = require(${JSON.stringify(resolve(DEFERRED))}).features().vsphereApi;`, loader: 'js', resolveDir: resolve('src/extension'),
    }));
  },
};

/** The startup graph's own source modules (repository-relative paths) that end up with code in it. */
async function startupModules(startup) {
  const r = await esbuild.build({ ...startup, write: false, metafile: true, logLevel: 'silent', banner: undefined, footer: undefined });
  const out = Object.entries(r.metafile.outputs).find(([f]) => f.endsWith('.js'))[1];
  return new Set(Object.entries(out.inputs).filter(([f, v]) => v.bytesInOutput > 0 && f.startsWith('src/')).map(([f]) => f));
}

/** Features build: imports of a startup module (and of 'vscode') read the startup bundle's copy; `used` collects them. */
function sharedModules(startupSet, used) {
  return {
    name: 'shared-modules',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, () => { used.add('vscode'); return { path: 'vscode', namespace: 'vlab-shared' }; });
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData?.inner) return undefined;
        const r = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { inner: true } });
        const key = r.path && !r.external ? relative(process.cwd(), r.path).split('\\').join('/') : '';
        if (!startupSet.has(key)) return undefined;
        used.add(key);
        return { path: key, namespace: 'vlab-shared' };
      });
      build.onLoad({ filter: /.*/, namespace: 'vlab-shared' }, (args) => ({
        contents: `module.exports = __vlabShared[${JSON.stringify(args.path)}] || (() => { throw new Error(${JSON.stringify(`vSphere Lab: ${args.path} is missing from the startup bundle's shared modules (rebuild: node esbuild.mjs)`)}); })();`,
        loader: 'js',
      }));
    },
  };
}

/** The startup bundle's entry: the extension, plus the hand-over of the modules the features import. */
function startupEntry(used) {
  const keys = [...used].sort();
  const imports = keys.map((k, i) => `import * as m${i} from ${JSON.stringify(k === 'vscode' ? 'vscode' : `./${k}`)};`);
  // __esModule: the features bundle imports each as a CommonJS module, whose named exports are then read as they are (not as a default export)
  const table = keys.map((k, i) => `${JSON.stringify(k)}: m${i}`).join(', ');
  return [
    ...imports,
    `import { provideSharedModules } from './${DEFERRED}';`,
    `const shared = { ${table} };`,
    "for (const m of Object.values(shared)) Object.defineProperty(m, '__esModule', { value: true });",
    'provideSharedModules(shared);',
    `export * from './${STARTUP_ENTRY}';`,
  ].join('\n');
}

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
const node = { ...common, outdir: DIST, platform: 'node', format: 'cjs', target: 'node20' };
const configs = [
  // The banner and footer timestamp the bundle's first and last statements (src/extension/activationTimes.ts).
  // --production: the bundle is dist/extension-main.js, loaded through a V8 code cache by dist/extension.js (src/extension/loader.ts).
  // (its entry is replaced below by startupEntry(): see the split above; the features bundle follows it)
  { ...node, entryPoints: { [production ? 'extension-main' : 'extension']: STARTUP_ENTRY }, external: nodeExternals, plugins: [ownBundlesExternal, vsphereApiFromFeatures, vscodeOnce], banner: { js: 'var __vlabModuleStart = performance.now();' }, footer: { js: 'var __vlabModuleEnd = performance.now();' } },
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
  const to = join(DIST, 'webview', 'codicons');
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
    outdir: DIST,
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

// The split (see above): learn the startup graph, build the features against it, then the startup bundle.
{
  const startup = configs[0];
  const startupSet = await startupModules(startup);
  const used = new Set();
  const features = {
    ...node, entryPoints: { 'extension-features': FEATURES_ENTRY }, external: nodeExternals,
    plugins: [sharedModules(startupSet, used), ownBundlesExternal],
    banner: { js: `var __vlabShared = globalThis[${SHARED_GLOBAL}]; if (!__vlabShared) throw new Error('vSphere Lab: dist/extension-features.js is loaded by the extension bundle only (src/extension/deferred.ts)');` },
  };
  // --watch: the features are built once here to learn what they share (a new shared import needs a restart)
  await esbuild.build({ ...features, ...(watch ? { write: false, logLevel: 'silent' } : {}) });
  const name = Object.keys(startup.entryPoints)[0];
  const { entryPoints: _entryPoints, outdir, ...rest } = startup;
  configs[0] = { ...rest, stdin: { contents: startupEntry(used), resolveDir: process.cwd(), sourcefile: 'extension-entry.js', loader: 'js' }, outfile: join(outdir, `${name}.js`) };
  if (watch) configs.push(features);
}

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context({ ...c, plugins: [...(c.plugins ?? []), watchReporter] })));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
