/**
 * Backup diagnostics ("why did Data Recovery not back this VM up properly?"): the panel, its
 * commands and the editor diagnostics. Core work lives in src/core/backup.
 *
 * Commands (arguments for scripts and tests in brackets):
 *   vsphereLab.backupDiagnose [tree node | Uri of a .vmx or log | {conn, ref}, {logs?, confirm?}]
 *   vsphereLab.backupAnalyzeLogs [Uri[]]
 *   vsphereLab.backupFetchLogs [{host, port?, username?, password?, hostKey?, dirs?, dest?}]
 * Both return the panel (a PanelHost) when one opens.
 */
import * as vscode from 'vscode';
import type { InventoryServices } from '../inventory/services';
import { commandArgs, registerCommand } from '../commands';
import { hostOf } from '../inventory/connections';
import { PanelHost } from '../panels/panelHost';
import type { BackupProtocol, BackupState, BackupTarget } from '../../webview/backup/protocol';
import type { AnalysisHost } from '../analysis/host';
import { BackupDiagnostics } from './diagnostics';
import { fetchLogsOverSsh, type FetchLogsArgs } from './fetch';
import { backupPanelDefinition, createdOnChanged, createdOnKey, isBackupState, pickLogFiles, type BackupPanelOptions } from './panel';

export interface DiagnoseOptions extends BackupPanelOptions {
  /** Data Recovery logs to read with the configuration (URIs or URI strings). */
  logs?: (vscode.Uri | string)[];
}

type Host = PanelHost<BackupProtocol, BackupState>;

function isVmxUri(u: vscode.Uri): boolean {
  return /\.(vmx|vmtx)$/i.test(u.path);
}

/** What to check when the command names nothing: a connected VM, a .vmx of the workspace, or logs. */
async function pickTarget(inventory: InventoryServices): Promise<{ target: BackupTarget; logs: string[] } | undefined> {
  type Item = vscode.QuickPickItem & { make?: () => Promise<{ target: BackupTarget; logs: string[] } | undefined> };
  const items: Item[] = [];
  for (const c of inventory.store.list()) {
    if (inventory.sessions.state(c.id).status !== 'connected') continue;
    const snap = inventory.sessions.snapshot(c.id);
    if (!snap) continue;
    if (items.length === 0) items.push({ label: vscode.l10n.t('Virtual machines'), kind: vscode.QuickPickItemKind.Separator });
    for (const vm of snap.inventory.vms) {
      items.push({
        label: `$(${vm.powerState === 'poweredOn' ? 'vm-running' : 'vm-outline'}) ${vm.name}`,
        description: vm.guestFullName, detail: c.label ?? hostOf(c.url),
        make: async () => ({ target: { kind: 'vm', conn: c.id, ref: vm.ref.value, name: vm.name }, logs: [] }),
      });
    }
  }
  const vmx = await vscode.workspace.findFiles('**/*.{vmx,vmtx}', '**/node_modules/**', 200);
  if (vmx.length) items.push({ label: vscode.l10n.t('.vmx files'), kind: vscode.QuickPickItemKind.Separator });
  for (const u of vmx) {
    items.push({ label: `$(file) ${vscode.workspace.asRelativePath(u)}`, make: async () => ({ target: { kind: 'vmx', uri: u.toString() }, logs: [] }) });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: `$(output) ${vscode.l10n.t('Data Recovery logs…')}`,
    description: vscode.l10n.t('datarecovery-*.log, vcbAPI-*.log'),
    make: async () => {
      const files = await pickLogFiles();
      return files?.length ? { target: { kind: 'logs' }, logs: files.map((f) => f.toString()) } : undefined;
    },
  });
  const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('What should be checked for Data Recovery backups?'), matchOnDescription: true });
  return pick?.make?.();
}

/** `analysis` runs the editor diagnostics (one parse per document version, shared with the lint). */
export function registerBackupDiagnostics(context: vscode.ExtensionContext, inventory: InventoryServices, analysis: AnalysisHost): void {
  const diagnostics = new BackupDiagnostics(analysis, (uri) => context.workspaceState.get<string>(createdOnKey(uri)), createdOnChanged.event);
  const def = backupPanelDefinition(inventory);
  context.subscriptions.push(diagnostics);
  PanelHost.registerSerializer(context, def, isBackupState);

  const open = async (target: BackupTarget, logs: string[], opts?: BackupPanelOptions): Promise<Host> => {
    const host = PanelHost.show(context, def, { target, logs });
    host.controller.confirm = opts?.confirm !== false;
    // An open panel for the same VM or file takes the new logs too.
    const merged = [...new Set([...host.state.logs, ...logs])];
    if (merged.length !== host.state.logs.length) {
      host.setState({ ...host.state, logs: merged });
      await host.ready;
      void host.post('report', await host.controller.check());
    }
    return host;
  };

  const vmTarget = (conn: string, ref: string): BackupTarget => {
    const snap = inventory.sessions.snapshot(conn);
    const vm = snap?.inventory.vms.find((v) => v.ref.value === ref);
    return { kind: 'vm', conn, ref, name: vm?.name ?? ref };
  };

  /** `(target, options)`: the target is a tree node, a Uri (a .vmx or a log) or `{ conn, ref }`. */
  const diagnose = async (raw: unknown[]): Promise<Host | undefined> => {
    // From the explorer with several files selected, VS Code passes (clicked, all selected):
    // a .vmx among them is the target, the logs go with it.
    if (Array.isArray(raw[1])) {
      const uris = raw[1].filter((u): u is vscode.Uri => u instanceof vscode.Uri);
      const vmx = uris.find(isVmxUri);
      const logs = uris.filter((u) => !isVmxUri(u)).map((u) => u.toString());
      if (!vmx && !logs.length) return undefined;
      return open(vmx ? { kind: 'vmx', uri: vmx.toString() } : { kind: 'logs' }, logs);
    }
    const { node, uri, options: ref } = commandArgs<{ conn: string; ref: string }>(raw.slice(0, 1));
    const opts = commandArgs<DiagnoseOptions>(raw.slice(1)).options;
    const extraLogs = (opts?.logs ?? []).map((l) => (typeof l === 'string' ? l : l.toString()));
    let chosen: { target: BackupTarget; logs: string[] } | undefined;
    if (uri) {
      chosen = isVmxUri(uri) ? { target: { kind: 'vmx', uri: uri.toString() }, logs: [] } : { target: { kind: 'logs' }, logs: [uri.toString()] };
    } else if (node?.type === 'item') {
      const it = inventory.provider.item(node);
      if (it?.kind !== 'vm') {
        void vscode.window.showInformationMessage(vscode.l10n.t('Select a virtual machine in the vSphere Lab inventory first.'));
        return undefined;
      }
      chosen = { target: { kind: 'vm', conn: node.conn, ref: it.ref.value, name: it.name }, logs: [] };
    } else if (typeof ref?.conn === 'string' && typeof ref.ref === 'string') {
      chosen = { target: vmTarget(ref.conn, ref.ref), logs: [] };
    } else {
      const ed = vscode.window.activeTextEditor?.document;
      if (ed?.languageId === 'vmx') chosen = { target: { kind: 'vmx', uri: ed.uri.toString() }, logs: [] };
      else if (ed?.languageId === 'vdr-log') chosen = { target: { kind: 'logs' }, logs: [ed.uri.toString()] };
      else chosen = await pickTarget(inventory);
    }
    if (!chosen) return undefined;
    return open(chosen.target, [...new Set([...chosen.logs, ...extraLogs])], opts);
  };

  const analyzeLogs = async (given?: vscode.Uri[] | vscode.Uri, more?: vscode.Uri[]): Promise<Host | undefined> => {
    // From the explorer with several files selected: (clicked, all selected).
    const list = Array.isArray(more) && more.length ? more : given instanceof vscode.Uri ? [given] : Array.isArray(given) ? given : undefined;
    const files = await pickLogFiles(list);
    if (!files?.length) return undefined;
    return open({ kind: 'logs' }, files.map((f) => f.toString()));
  };

  registerCommand(context, 'vsphereLab.backupFetchLogs', async (...raw: unknown[]) => {
    const { options } = commandArgs<FetchLogsArgs>(raw);
    const files = await fetchLogsOverSsh(context, typeof options?.host === 'string' ? options as FetchLogsArgs : undefined);
    return files?.length ? open({ kind: 'logs' }, files.map((f) => f.toString())) : undefined;
  });
  registerCommand(context, 'vsphereLab.backupDiagnose', (...raw: unknown[]) => diagnose(raw));
  registerCommand(context, 'vsphereLab.backupAnalyzeLogs', (given?: vscode.Uri[] | vscode.Uri, more?: vscode.Uri[]) => analyzeLogs(given, more));
}
