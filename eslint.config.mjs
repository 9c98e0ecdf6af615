// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The layers (CONTRIBUTING.md; test/unit/foundation/layers.test.ts proves each rule fails a
 * violating import):
 *   src/core       pure: imports no vscode, nothing from src/extension, src/webview or src/cli
 *   src/cli        over core: no vscode, nothing from src/extension or src/webview
 *   src/webview    browser: no vscode, no Node built-in (node:* or bare), nothing from src/extension or src/cli
 *   src/extension  glue. Its folders are shared rooms (commands, ssh, panels, analysis; log.ts) or
 *                  features (backup, certs, inventory, language, memory, usbBoot). A feature imports
 *                  core, the shared rooms, its own folder, its own webview protocol, and of the
 *                  inventory only its contract (services, provider, decorations, children,
 *                  connections, datastoreFs) — never another feature; the inventory and the shared rooms import
 *                  no feature. extension.ts, the composition root, imports everything.
 * A new feature folder goes in FEATURES, a new shared room in SHARED_ROOMS.
 * Heavy modules load through core/lazy.ts: `lazy(() => require('…'))`, no other require, no import().
 */
const FEATURES = ['agents', 'backup', 'certBoard', 'certs', 'console', 'inventory', 'language', 'live', 'memory', 'readiness', 'snapshots', 'terminal', 'usbBoot'];
const SHARED_ROOMS = ['analysis', 'commands', 'panels', 'ssh'];
const INVENTORY_CONTRACT = ['services', 'provider', 'decorations', 'children', 'connections', 'datastoreFs'];

const up = String.raw`^(\.\./)+`;
const vscodePath = (layer) => ({ name: 'vscode', message: `${layer} stays free of VS Code: put glue in src/extension.` });
const layerPattern = (layers, message) => ({ regex: `${up}(${layers.join('|')})(/|$)`, message });

const coreRule = {
  'no-restricted-imports': ['error', {
    paths: [vscodePath('src/core')],
    patterns: [layerPattern(['extension', 'webview', 'cli'], 'src/core is the ground floor: it imports nothing from src/extension, src/webview or src/cli.')],
  }],
};
const cliRule = {
  'no-restricted-imports': ['error', {
    paths: [vscodePath('src/cli')],
    patterns: [layerPattern(['extension', 'webview'], 'src/cli works over src/core: nothing from src/extension or src/webview.')],
  }],
};
const webviewRule = {
  'no-restricted-imports': ['error', {
    paths: [
      vscodePath('src/webview'),
      ...builtinModules.filter((m) => !m.startsWith('_')).map((name) => ({ name, message: 'src/webview runs in the browser: no Node built-ins.' })),
    ],
    patterns: [
      { regex: '^node:', message: 'src/webview runs in the browser: no Node built-ins.' },
      layerPattern(['extension', 'cli'], 'src/webview talks to the extension only through its typed protocol: nothing from src/extension or src/cli.'),
    ],
  }],
};

/** The imports one folder of src/extension may not make (`own`: its name when it is a feature). */
function extensionRule(own) {
  const otherFeatures = FEATURES.filter((f) => f !== own && f !== 'inventory');
  const patterns = [
    layerPattern(otherFeatures, `A ${own ? 'feature' : 'shared room'} imports no feature: go through core, a shared room (${SHARED_ROOMS.join(', ')}, log) or the inventory's contract.`),
    { regex: `${up}extension$`, message: 'extension.ts is the composition root: nothing imports it.' },
  ];
  if (own !== 'inventory') {
    patterns.push({ regex: `${up}inventory/(?!(${INVENTORY_CONTRACT.join('|')})$)`, message: `Of the inventory, use only its contract: ${INVENTORY_CONTRACT.join(', ')}.` });
  }
  patterns.push({ regex: `${up}webview/(?!(${own ? `${own}/|` : ''}protocol$))`, message: 'A feature uses its own webview protocol (and the shared webview/protocol) only.' });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const lazyRule = {
  '@typescript-eslint/no-require-imports': 'off',
  'no-restricted-syntax': ['error',
    { selector: 'ImportExpression', message: 'Load a heavy module with lazy(() => require(\'…\')) (src/core/lazy.ts), not import().' },
    {
      selector: "CallExpression[callee.name='require']:not(CallExpression[callee.name='lazy'] > ArrowFunctionExpression > CallExpression, CallExpression[callee.name='lazy'] > ArrowFunctionExpression > TSAsExpression > CallExpression)",
      message: 'require() only as lazy(() => require(\'…\') as typeof import(\'…\')) (src/core/lazy.ts).',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/lab/gopath/**', 'test/lab/bin/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always'],
      'curly': ['error', 'multi-line'],
      'no-throw-literal': 'error',
    },
  },
  { files: ['src/core/**/*.ts'], rules: coreRule },
  { files: ['src/cli/**/*.ts'], rules: cliRule },
  { files: ['src/webview/**/*.ts'], rules: webviewRule },
  { files: ['src/extension/*/**/*.ts'], rules: extensionRule(undefined) },
  ...FEATURES.map((f) => ({ files: [`src/extension/${f}/**/*.ts`], rules: extensionRule(f) })),
  { files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/extension/**/*.ts'], rules: lazyRule },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
