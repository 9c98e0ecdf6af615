/**
 * What activation registers before the features exist: the extension is two bundles (esbuild.mjs).
 * dist/extension.js (or extension-main.js in the production build) holds what activate() needs —
 * the inventory view, the log, the command kit, this module — and dist/extension-features.js every
 * feature (src/extension/features.ts): panels, commands, language features, agent tools. The
 * features bundle is required on the first thing that needs it: a command, a panel to restore, an
 * agent tool, a .vmx or log document, a connection.
 *
 * At activation every contributed command, panel serializer and tool is registered here as a slot
 * (a stub VS Code calls); the feature's own registration (the command kit's `registerCommand`,
 * `PanelHost.registerSerializer`, the agent tools) fills the slot instead of registering again.
 *
 * One copy of each module: every module of the startup bundle that a feature imports (the command
 * kit, the log, the inventory, `vscode` itself) is not bundled again into the features bundle but
 * handed to it (esbuild.mjs, plugin 'shared-modules') through {@link provideSharedModules}, so the
 * output channel, the connection store and every event emitter exist once.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { lazy } from '../core/lazy';
import { runWithCodeCache } from './codeCache';

/** Where the features bundle finds the startup bundle's modules while it loads (its banner reads it). */
const SHARED = Symbol.for('vsphereLab.sharedModules');

let shared: Record<string, unknown> = {};

/** Called once by the startup bundle's generated entry (esbuild.mjs) with the modules the features bundle imports. */
export function provideSharedModules(modules: Record<string, unknown>): void {
  shared = modules;
}

type Features = typeof import('./features');

/**
 * The features bundle, beside this bundle (both are in dist/), run through a V8 code cache as the
 * startup bundle is (./codeCache.ts): a feature's first use after the first one skips compiling it.
 * Its own `require` (the library bundles, ./forge.js …) is this bundle's, from the same folder.
 */
const featuresBundle = lazy((): Features => {
  const mod = { exports: {} } as NodeJS.Module;
  runWithCodeCache(join(__dirname, 'extension-features.js'), mod, require, 3000, false);
  return mod.exports as Features;
});

let required = false;

/** Whether the features bundle has been required (tests; loads nothing). */
export function featuresRequired(): boolean {
  return required;
}

/** The features bundle's exports (requires it on the first call, handing it the shared modules). */
export function features(): Features {
  if (required) return featuresBundle();
  const g = globalThis as Record<symbol, unknown>;
  g[SHARED] = shared;
  try {
    const m = featuresBundle();
    required = true;
    return m;
  } finally {
    delete g[SHARED];
  }
}

/** Stubs' slots: filled when the features bundle registers the real thing. */
const serializers = new Map<string, vscode.WebviewPanelSerializer | undefined>();
const tools = new Map<string, vscode.LanguageModelTool<object> | undefined>();

let loadFeatures: (() => void) | undefined;

/** Sets what loads the features (activate(): the bundle, then its register function). */
export function setFeatureLoader(load: () => void): void {
  loadFeatures = load;
}

/** Loads the features now if they are not yet (idempotent; the loader runs once). */
export function ensureFeatures(): void {
  loadFeatures?.();
}

/** PanelHost.registerSerializer: true when a stub for `viewType` was registered at activation (it now delegates to `s`). */
export function claimSerializer(viewType: string, s: vscode.WebviewPanelSerializer): boolean {
  if (!serializers.has(viewType)) return false;
  serializers.set(viewType, s);
  return true;
}

/** The agent tools: true when a stub for `id` was registered at activation (it now delegates to `tool`). */
export function claimTool(id: string, tool: vscode.LanguageModelTool<object>): boolean {
  if (!tools.has(id)) return false;
  tools.set(id, tool);
  return true;
}

function filled<T>(slots: Map<string, T | undefined>, id: string, what: string): T {
  if (!slots.get(id)) ensureFeatures();
  const real = slots.get(id);
  if (!real) throw new Error(`vSphere Lab: no ${what} "${id}" after loading the features (a stub without a feature: src/extension/deferred.ts)`);
  return real;
}

/** Stub serializers for the panels that restore after a reload (their view types, from features.ts). */
export function deferSerializers(context: vscode.ExtensionContext, viewTypes: readonly string[]): void {
  for (const viewType of viewTypes) {
    serializers.set(viewType, undefined);
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(viewType, {
      deserializeWebviewPanel: (panel, state) => filled(serializers, viewType, 'panel serializer').deserializeWebviewPanel(panel, state),
    }));
  }
}

/** Stub tools for the manifest's `languageModelTools`. */
export function deferTools(context: vscode.ExtensionContext, ids: readonly string[]): void {
  if (typeof vscode.lm?.registerTool !== 'function') return;
  for (const id of ids) {
    tools.set(id, undefined);
    context.subscriptions.push(vscode.lm.registerTool<object>(id, {
      prepareInvocation: (options, token) => filled(tools, id, 'tool').prepareInvocation?.(options, token),
      invoke: (options, token) => filled(tools, id, 'tool').invoke(options, token),
    }));
  }
}
