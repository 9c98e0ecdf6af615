import * as vscode from 'vscode';
import type { AnalysisHost } from './analysis/host';
import { registerCommand, registerDeferredCommands } from './commands';
import { ConnectionStore } from './inventory/connections';
import { DATASTORE_SCHEME, DatastoreFileSystem } from './inventory/datastoreFs';
import { InventoryDecorations } from './inventory/decorations';
import { generationDecorator } from './inventory/generation';
import { InventoryProvider } from './inventory/provider';
import { RefreshManager } from './inventory/refresh';
import type { InventoryServices } from './inventory/services';
import { SessionManager } from './inventory/sessions';
import type { AgentToolsApi } from './agents';
import { registerTasksView, type TasksProvider } from './live/tasks';
import { disposeLog, log, recentLogLines } from './log';
import type { SshService } from './ssh';
import { deferSerializers, deferTools, features, featuresRequired, setFeatureLoader } from './deferred';
import type { LoadedFeatures } from './features';
import { FEATURE_LANGUAGES, HIDDEN_COMMANDS, PANEL_VIEW_TYPES, STARTUP_COMMANDS } from './featureManifest';
import { activationTimes, reportActivationTimes, type ActivationTimes } from './activationTimes';

/** What activate() returns; the integration tests read it. */
export interface VsphereLabApi {
  /** Milliseconds activate() took, measured inside the extension host. */
  readonly activationMs: number;
  /** For tests: the inventory's sessions and tree provider. */
  readonly inventory: InventoryServices;
  /** For tests: the document-analysis host (its parse counter shows one parse per document version). */
  readonly analysis: AnalysisHost;
  /** For tests: the last log lines. */
  readonly recentLogLines: () => readonly string[];
  /** For tests: the SSH service (its host-key pins and remembered passwords). */
  readonly ssh: SshService;
  /** For tests: the extension's global state (to seed or inspect what older versions stored). */
  readonly globalState: vscode.Memento;
  /** For tests: the Tasks view's provider (the tasks it shows per connection). */
  readonly tasks: TasksProvider;
  /** For tests: the agent tools' trust seam. */
  readonly agents: AgentToolsApi;
  /** For tests and bench/activation.ts: VS Code's and our own activation times (read after activation). */
  readonly activationTimes: () => ActivationTimes;
  /** For tests: whether the features bundle is loaded (./deferred.ts), without loading it. */
  readonly featuresLoaded: () => boolean;
}

/** The inventory: connections, sessions, the tree and its refresh, the datastore file system. */
function activateInventory(context: vscode.ExtensionContext): InventoryServices {
  const store = new ConnectionStore(context.globalState, context.secrets);
  const decorations = new InventoryDecorations();
  context.subscriptions.push(decorations.register(generationDecorator));
  const sessions = new SessionManager(store, decorations);
  const provider = new InventoryProvider(store, sessions);
  const view = vscode.window.createTreeView('vsphereLab.inventory', { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(
    store, decorations, sessions, provider, view,
    new RefreshManager(view, store, sessions, provider),
    vscode.workspace.registerFileSystemProvider(DATASTORE_SCHEME, new DatastoreFileSystem(store, sessions), { isCaseSensitive: true }),
  );
  return { store, sessions, provider, view, decorations, children: provider.children };
}

/**
 * The features (./features.ts, a bundle of their own) load on first need (./deferred.ts): a command
 * or tool stub's first call, a panel to restore, a connection (badges, child nodes, live facts on
 * its nodes), a .vmx or Data Recovery log document (open now: at once).
 */
function deferFeatures(context: vscode.ExtensionContext, inventory: InventoryServices): () => LoadedFeatures {
  let loaded: LoadedFeatures | undefined;
  const triggers: vscode.Disposable[] = [];
  const load = (): LoadedFeatures => {
    if (!loaded) {
      for (const d of triggers.splice(0)) d.dispose();
      loaded = features().registerFeatures(context, inventory);
    }
    return loaded;
  };
  setFeatureLoader(load);
  const pkg = context.extension.packageJSON as { contributes?: { commands?: { command: string }[]; languageModelTools?: { name: string }[] } };
  const commands = (pkg.contributes?.commands ?? []).map((c) => c.command).filter((id) => !STARTUP_COMMANDS.includes(id));
  registerDeferredCommands(context, [...commands, ...HIDDEN_COMMANDS], load);
  deferSerializers(context, PANEL_VIEW_TYPES);
  deferTools(context, (pkg.contributes?.languageModelTools ?? []).map((t) => t.name));
  const isFeatureDocument = (d: vscode.TextDocument): boolean => FEATURE_LANGUAGES.includes(d.languageId);
  triggers.push(
    inventory.sessions.onDidChange(() => load()),
    vscode.workspace.onDidOpenTextDocument((d) => { if (isFeatureDocument(d)) load(); }),
  );
  context.subscriptions.push({ dispose: () => { for (const d of triggers.splice(0)) d.dispose(); } });
  if (vscode.workspace.textDocuments.some(isFeatureDocument)) load();
  return load;
}

export function activate(context: vscode.ExtensionContext): VsphereLabApi {
  const started = performance.now();
  const output = log();
  context.subscriptions.push(output);
  const inventory = activateInventory(context);
  registerCommand(context, 'vsphereLab.showLog', () => output.show());
  const tasks = registerTasksView(context, inventory);
  const loaded = deferFeatures(context, inventory);

  const ended = performance.now();
  const activationMs = ended - started;
  reportActivationTimes(context.extension.id, started, ended);
  output.info(vscode.l10n.t('vSphere Lab {0} activated in {1} ms', String(context.extension.packageJSON.version), activationMs.toFixed(1)));
  return {
    activationMs, inventory, recentLogLines, globalState: context.globalState, tasks,
    get analysis() { return loaded().analysis; },
    get ssh() { return loaded().ssh; },
    get agents() { return loaded().agents; },
    activationTimes: () => activationTimes(context.extension.id, started, ended),
    featuresLoaded: featuresRequired,
  };
}

export function deactivate(): void {
  disposeLog();
}
