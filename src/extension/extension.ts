import * as vscode from 'vscode';
import { AnalysisHost } from './analysis/host';
import { registerCommand } from './commands';
import { ConnectionStore } from './inventory/connections';
import { registerInventoryCommands } from './inventory/commands';
import { DATASTORE_SCHEME, DatastoreFileSystem } from './inventory/datastoreFs';
import { InventoryDecorations } from './inventory/decorations';
import { generationDecorator } from './inventory/generation';
import { InventoryProvider } from './inventory/provider';
import { RefreshManager } from './inventory/refresh';
import type { InventoryServices } from './inventory/services';
import { SessionManager } from './inventory/sessions';
import { registerAgentTools, type AgentToolsApi } from './agents';
import { registerBackupDiagnostics } from './backup';
import { registerCertificateWizard } from './certs';
import { registerCertBoard } from './certBoard';
import { registerVmxLanguage } from './language';
import { registerLive, type TasksProvider } from './live';
import { registerMemory } from './memory';
import { registerSnapshots } from './snapshots';
import { registerSshTerminal } from './terminal';
import { registerConsole } from './console';
import { registerReadiness } from './readiness';
import { registerUsbBoot } from './usbBoot';
import { disposeLog, log, recentLogLines } from './log';
import { sshService, type SshService } from './ssh';
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
}

export function activate(context: vscode.ExtensionContext): VsphereLabApi {
  const started = performance.now();
  const output = log();
  context.subscriptions.push(output);

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
  registerCommand(context, 'vsphereLab.showLog', () => output.show());
  const analysis = new AnalysisHost();
  context.subscriptions.push(analysis);
  registerVmxLanguage(context, analysis);
  const inventory: InventoryServices = { store, sessions, provider, view, decorations, children: provider.children };
  registerInventoryCommands(context, inventory);
  // Features that open from the inventory register below: registerX(context, inventory).
  const { tasks } = registerLive(context, inventory);
  registerCertificateWizard(context, inventory);
  registerCertBoard(context, inventory);
  registerMemory(context, inventory);
  registerReadiness(context, inventory);
  registerUsbBoot(context, inventory);
  registerBackupDiagnostics(context, inventory, analysis);
  registerSnapshots(context, inventory);
  registerSshTerminal(context, inventory);
  registerConsole(context, inventory);
  const agents = registerAgentTools(context, inventory);

  const ended = performance.now();
  const activationMs = ended - started;
  reportActivationTimes(context.extension.id, started, ended);
  output.info(vscode.l10n.t('vSphere Lab {0} activated in {1} ms', String(context.extension.packageJSON.version), activationMs.toFixed(1)));
  return { activationMs, inventory, analysis, recentLogLines, ssh: sshService(context), globalState: context.globalState, agents, tasks,
    activationTimes: () => activationTimes(context.extension.id, started, ended) };
}

export function deactivate(): void {
  disposeLog();
}
