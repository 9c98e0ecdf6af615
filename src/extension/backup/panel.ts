/**
 * The backup diagnostics panel: one per VM, .vmx or set of logs. Reads the configuration (API or
 * open document) and the Data Recovery logs, runs the rules, applies fixes (ReconfigVM_Task for a
 * VM, an undoable WorkspaceEdit for a .vmx) and re-checks.
 */
import * as vscode from 'vscode';
import { isCancellation, throwIfAborted } from '../../core/errors';
import type { VmFacts } from '../../core/backup/facts';
import type { LogAnalysis } from '../../core/backup/logs';
import type { Finding } from '../../core/backup/rules';
import { withCancellableProgress } from '../commands';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import type { Handlers, PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import type { BackupProtocol, BackupReport, BackupState, BackupTarget, CreatedOnView } from '../../webview/backup/protocol';
import { findingView, logsView, relabelLogs, shortName } from '../../core/backup/report';
import { uiStrings } from './strings';
import { lazy } from '../../core/lazy';

export const BACKUP_VIEW_TYPE = 'vsphereLab.backupDiagnostics';
const fetchModule = lazy(() => require('./fetch') as typeof import('./fetch'));
const engine = lazy(() => require('./engine') as typeof import('./engine'));
/** Log sets above this size get a notification with progress and Cancel besides the panel's. */
const NOTIFY_BYTES = 8 * 1024 * 1024;
/** workspaceState key of the created-on choice for a .vmx (URI string). */
export const createdOnKey = (uri: string): string => `vsphereLab.backup.createdOn:${uri}`;
/** Fires with the .vmx URI string when its created-on choice changes (the editor diagnostics follow). */
export const createdOnChanged = new vscode.EventEmitter<string>();

export interface BackupPanelOptions {
  /** Skip the confirmation before shutting a guest down (scripts and tests). */
  confirm?: boolean;
}

export function isBackupState(s: unknown): s is BackupState {
  if (!s || typeof s !== 'object') return false;
  const o = s as BackupState;
  if (!Array.isArray(o.logs) || !o.logs.every((x) => typeof x === 'string') || !o.target || typeof o.target !== 'object') return false;
  const t = o.target;
  if (t.kind === 'vm') return typeof t.conn === 'string' && typeof t.ref === 'string' && typeof t.name === 'string';
  if (t.kind === 'vmx') return typeof t.uri === 'string';
  return t.kind === 'logs';
}

function targetKey(t: BackupTarget, logs: string[]): string {
  switch (t.kind) {
    case 'vm': return `vm:${t.conn}:${t.ref}`;
    case 'vmx': return `vmx:${t.uri}`;
    case 'logs': return `logs:${[...logs].sort().join('|')}`;
  }
}

function cancelled(e: unknown): boolean {
  return e instanceof vscode.CancellationError || isCancellation(e);
}

export type BackupHost = PanelHost<BackupProtocol, BackupState, BackupController>;

/**
 * One panel's work: checks, fixes, and the previous findings to show what a fix resolved. Owned by
 * its PanelHost (`host.controller`); the command that opens the panel sets `confirm` there.
 */
export class BackupController implements PanelController<BackupProtocol> {
  /** The check in progress: a new check, the webview's Cancel or closing the panel aborts it. */
  private running?: AbortController;
  private findings: Finding[] = [];
  private previous?: Map<string, string>;
  private readonly resolved = new Map<string, string>();
  private powerState?: string;
  private readonly disposables: vscode.Disposable[] = [];
  private recheckTimer?: ReturnType<typeof setTimeout>;
  confirm = true;

  readonly handlers: Handlers<BackupProtocol> = {
    load: (_p, signal) => this.check(signal),
    applyFix: (p) => this.applyFix(p.key, p.fix, p.shutdownFirst === true),
    openEvidence: async (p) => {
      const uri = vscode.Uri.parse(p.uri);
      const line = Math.max(0, (p.line ?? 1) - 1);
      const range = new vscode.Range(line, 0, line, 0);
      await vscode.window.showTextDocument(uri, { selection: range, viewColumn: vscode.ViewColumn.Beside, preview: true });
    },
    addLogs: (_p, signal) => this.addLogs(signal),
    removeLog: (p, signal) => this.removeLog(p.uri, signal),
    setCreatedOn: (p, signal) => this.setCreatedOn(p.version, signal),
    fetchLogs: (_p, signal) => this.fetchLogs(signal),
  };

  constructor(private readonly host: BackupHost, private readonly inventory: InventoryServices) {
    // A .vmx edited elsewhere (typing, undo, a quick fix) is checked again.
    this.disposables.push(vscode.workspace.onDidChangeTextDocument((e) => {
      const t = this.host.state.target;
      if (t.kind !== 'vmx' || e.document.uri.toString() !== t.uri || !e.contentChanges.length) return;
      if (this.recheckTimer) clearTimeout(this.recheckTimer);
      this.recheckTimer = setTimeout(() => { void this.check().then((r) => this.host.post('report', r), () => undefined); }, 300);
    }));
  }

  dispose(): void {
    this.running?.abort();
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    for (const d of this.disposables) d.dispose();
  }

  /**
   * Reads every source, runs the rules and builds the report. `signal` (the webview's Cancel) stops
   * the log analysis only: the report then comes from the configuration, with a note.
   */
  async check(signal?: AbortSignal): Promise<BackupReport> {
    this.running?.abort();
    const ac = new AbortController();
    this.running = ac;
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const state = this.host.state;
    const problems: string[] = [];
    const e = await engine();
    let facts: VmFacts | undefined;
    let title = vscode.l10n.t('Backup diagnostics');
    let subtitle = '';
    let blockedReason: string | undefined;
    let createdOn: CreatedOnView | undefined;
    this.powerState = undefined;
    try {
      const t = state.target;
      if (t.kind === 'vm') {
        title = t.name;
        const conn = this.inventory.store.get(t.conn);
        subtitle = vscode.l10n.t('Virtual machine on {0}, read through the vSphere API', conn?.label ?? conn?.url ?? t.conn);
        const client = await this.inventory.sessions.client(t.conn);
        const ref = e.moref('VirtualMachine', t.ref);
        const apiVm = await e.readVmForBackup(client, ref);
        // Where the VM was created is not in the API: guess it from its hardware version and its host's product.
        const hint = e.inferCreatedOn({ hardwareVersion: e.parseHardwareVersion(apiVm.config?.version), host: await e.readRunningHostProduct(client, ref) });
        facts = e.factsFromApi(apiVm, hint ? { createdOn: hint } : undefined);
        createdOn = {
          mode: 'inferred', value: hint?.version ?? '', choices: [],
          relevant: e.isWindows2008Family(facts.guestFamily) && facts.diskEnableUuidRaw === undefined,
          ...(hint?.inferred ? { reason: hint.inferred } : {}),
        };
        this.powerState = facts.powerState;
        if (facts.name) title = facts.name;
      } else if (t.kind === 'vmx') {
        const uri = vscode.Uri.parse(t.uri);
        title = shortName(t.uri);
        subtitle = uri.scheme === 'file' ? uri.fsPath : t.uri;
        const doc = await vscode.workspace.openTextDocument(uri);
        const chosen = this.host.context.workspaceState.get<string>(createdOnKey(t.uri)) ?? '';
        facts = e.diagnoseVmxText(doc.getText(), t.uri, chosen ? { createdOnVersion: chosen } : undefined).facts;
        createdOn = { mode: 'choice', value: chosen, choices: [...e.CREATED_ON_CHOICES], relevant: e.isWindows2008Family(facts.guestFamily) && facts.diskEnableUuidRaw === undefined };
        blockedReason = await this.vmxBlocked(uri);
      } else {
        title = vscode.l10n.t('Data Recovery logs');
        subtitle = vscode.l10n.t('{0} log file(s)', String(state.logs.length));
      }
    } catch (err) {
      problems.push(vscode.l10n.t('Could not read the configuration: {0}', (err as Error).message));
    }

    let logs: LogAnalysis | undefined;
    if (state.logs.length) {
      try {
        logs = await this.analyzeLogs(state.logs, ac.signal);
      } catch (err) {
        if (cancelled(err)) problems.push(vscode.l10n.t('Log analysis was cancelled; findings below come from the configuration only.'));
        else problems.push(vscode.l10n.t('Could not read the logs: {0}', (err as Error).message));
      } finally {
        void this.host.post('progress', null);
      }
    }
    if (this.running === ac) this.running = undefined;
    signal?.removeEventListener('abort', onAbort);

    this.findings = e.diagnose({ facts, logs });
    const target = state.target.kind === 'vm' ? 'api' : 'vmx';
    const ctxStrings = {
      needsPowerOff: vscode.l10n.t('Needs the VM powered off; it is {0}.', this.powerState ?? '?'),
      notViaApi: vscode.l10n.t('Not an advanced setting: change it in the vSphere Client (Edit Settings).'),
      notViaVmx: vscode.l10n.t('Done in the vSphere Client or the guest, not in the .vmx.'),
      keyPresentTwice: vscode.l10n.t('The key is present twice; fix the duplicate first.'),
    };
    const views = this.findings.map((f) => findingView(f, { target, powerState: this.powerState, blockedReason, strings: ctxStrings }));
    // Resolved: gone since an earlier check of this panel, and not back since.
    const now = new Map(views.map((v) => [v.key, v.title]));
    for (const [k, title] of this.previous ?? []) if (!now.has(k)) this.resolved.set(k, title);
    for (const k of now.keys()) this.resolved.delete(k);
    const resolved = [...this.resolved].map(([key, title]) => ({ key, title }));
    this.previous = now;
    const report: BackupReport = {
      state, title, subtitle, findings: views, resolved,
      logFiles: state.logs.map((uri) => ({ uri, label: shortName(uri) })),
      problems, checkedAt: Date.now(),
    };
    if (this.powerState) report.powerState = this.powerState;
    if (logs) report.logs = logsView(logs);
    if (createdOn) report.createdOn = createdOn;
    report.state = this.host.state;
    return report;
  }

  private async vmxBlocked(uri: vscode.Uri): Promise<string | undefined> {
    if (!vscode.workspace.isTrusted) return vscode.l10n.t('This workspace is not trusted: vSphere Lab does not edit .vmx files here.');
    if (uri.scheme === 'file') {
      const e = await engine();
      const locks = await e.findVmLocks(uri.fsPath);
      if (locks.length) return vscode.l10n.t('The VM is running ({0} next to the .vmx). VMware rewrites the file at power off, so power it off first.', shortName(locks[0]));
    }
    return undefined;
  }

  private async analyzeLogs(uris: string[], signal: AbortSignal): Promise<LogAnalysis> {
    const e = await engine();
    const files = uris.map((u) => vscode.Uri.parse(u));
    const notLocal = files.filter((f) => f.scheme !== 'file');
    if (notLocal.length) throw new Error(vscode.l10n.t('{0} is not a local file; copy the logs into the workspace first.', notLocal[0].toString()));
    const byPath = new Map(files.map((f, i) => [f.fsPath, uris[i]]));
    /** Reads the logs under `runSignal`, reporting to the panel and (for large logs) a notification. */
    const run = async (runSignal: AbortSignal, report?: (m: { message?: string; increment?: number }) => void) => {
      let lastFraction = 0;
      let lastPost = 0;
      const analysis = await e.analyzeLogFiles([...byPath.keys()], {
        signal: runSignal,
        onProgress: (p) => {
          const fraction = p.totalBytes ? p.bytes / p.totalBytes : 1;
          const message = vscode.l10n.t('Reading {0} ({1} of {2})', shortName(p.file), String(p.index + 1), String(p.files));
          report?.({ message, increment: (fraction - lastFraction) * 100 });
          lastFraction = fraction;
          const t = Date.now();
          if (t - lastPost > 100 || fraction >= 1) { lastPost = t; void this.host.post('progress', { message, fraction }); }
        },
      });
      relabelLogs(analysis, (f) => byPath.get(f) ?? f);
      return analysis;
    };
    let total = 0;
    for (const f of files) total += (await vscode.workspace.fs.stat(f)).size;
    void this.host.post('progress', { message: vscode.l10n.t('Reading the logs…'), fraction: 0 });
    if (total < NOTIFY_BYTES) return run(signal);
    return withCancellableProgress({ title: vscode.l10n.t('Analyzing Data Recovery logs'), signal }, (runSignal, progress) => run(runSignal, (m) => progress.report(m)));
  }

  /** Applies fix `index` of the finding `key`, then checks again. */
  async applyFix(key: string, index: number, shutdownFirst: boolean): Promise<{ report: BackupReport; message: string; ok: boolean }> {
    const finding = this.findings.find((f) => (f.vm === undefined ? f.id : `${f.id}@${f.vm}`) === key);
    const fix = finding?.fix?.[index];
    if (!finding || !fix) return { report: await this.check(), message: vscode.l10n.t('That finding is gone; the report was refreshed.'), ok: false };
    const e = await engine();
    const t = this.host.state.target;
    let message: string;
    try {
      if (t.kind === 'vmx') {
        message = await this.applyVmx(t.uri, fix, e);
      } else if (t.kind === 'vm') {
        message = await this.applyVm(t, fix, shutdownFirst, e);
      } else {
        message = vscode.l10n.t('Log findings have no automatic fix; follow the steps shown.');
        return { report: await this.check(), message, ok: false };
      }
    } catch (err) {
      const msg = cancelled(err) ? vscode.l10n.t('Cancelled; nothing was changed.') : (err as Error).message;
      log().warn(`backup fix ${key} failed: ${msg}`);
      return { report: await this.check(), message: msg, ok: false };
    }
    log().info(`backup fix ${key}: ${message}`);
    return { report: await this.check(), message, ok: true };
  }

  private async applyVmx(uriString: string, fix: NonNullable<Finding['fix']>[number], e: typeof import('./engine')): Promise<string> {
    const plan = e.planFix(fix, 'vmx');
    if (plan.kind !== 'vmx') throw new Error(vscode.l10n.t('This fix cannot be applied to a .vmx file.'));
    const uri = vscode.Uri.parse(uriString);
    const blocked = await this.vmxBlocked(uri);
    if (blocked) throw new Error(blocked);
    const doc = await vscode.workspace.openTextDocument(uri);
    let edits;
    try {
      edits = e.VmxDocument.fromText(doc.getText()).planEdits(plan.changes);
    } catch (err) {
      if (err instanceof e.VmxDuplicateKeyError) throw new Error(vscode.l10n.t('{0} is on several lines of {1}; remove the duplicate first (the .vmx lint offers a quick fix).', fix.kind === 'setConfig' ? fix.key : '', shortName(uriString)), { cause: err });
      throw err;
    }
    const we = new vscode.WorkspaceEdit();
    for (const ed of edits) {
      we.replace(uri, new vscode.Range(ed.range.start.line, ed.range.start.character, ed.range.end.line, ed.range.end.character), ed.newText);
    }
    if (!(await vscode.workspace.applyEdit(we))) throw new Error(vscode.l10n.t('VS Code refused the edit to {0}.', shortName(uriString)));
    if (!vscode.window.visibleTextEditors.some((ed) => ed.document.uri.toString() === uriString)) {
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    }
    return vscode.l10n.t('{0} changed in {1}. Save the file to keep it; Undo in the editor reverts it.', e.fixLabel(fix), shortName(uriString));
  }

  private async applyVm(t: Extract<BackupTarget, { kind: 'vm' }>, fix: NonNullable<Finding['fix']>[number], shutdownFirst: boolean, e: typeof import('./engine')): Promise<string> {
    const plan = e.planFix(fix, 'api');
    if (plan.kind !== 'extraConfig') throw new Error(vscode.l10n.t('This fix cannot be applied through the vSphere API; follow the steps shown.'));
    const client = await this.inventory.sessions.client(t.conn);
    const ref = e.moref('VirtualMachine', t.ref);
    return withCancellableProgress({ title: t.name }, async (signal, progress) => {
      let power = String(await e.retrieveProperty(client, ref, 'runtime.powerState') ?? '');
      if (plan.requiresPoweredOff && power !== 'poweredOff') {
        if (!shutdownFirst) {
          throw new Error(vscode.l10n.t('{0} is {1}: this change is only safe with the VM powered off. Shut it down first (or use "Shut Down Guest, Then Apply").', t.name, power));
        }
        if (this.confirm) {
          const go = vscode.l10n.t('Shut Down and Apply');
          const answer = await vscode.window.showWarningMessage(
            vscode.l10n.t('Shut down the guest OS of {0}, then set {1}?', t.name, e.fixLabel(fix)),
            { modal: true, detail: vscode.l10n.t('VMware Tools asks the guest to shut down cleanly. The VM stays off afterwards; power it on when you are ready.') }, go);
          if (answer !== go) throw new vscode.CancellationError();
        }
        progress.report({ message: vscode.l10n.t('Shutting down guest…') });
        await e.shutdownGuest(client, ref, { signal });
        const until = Date.now() + 180_000;
        while (power !== 'poweredOff' && Date.now() < until) {
          throwIfAborted(signal, t.name);
          await new Promise((r) => setTimeout(r, 1000));
          power = String(await e.retrieveProperty(client, ref, 'runtime.powerState') ?? '');
        }
        await this.refreshTree(t.conn);
        if (power !== 'poweredOff') {
          throw new Error(vscode.l10n.t('{0} did not power off within 3 minutes (is VMware Tools running in the guest?). Nothing was changed.', t.name));
        }
      }
      progress.report({ message: vscode.l10n.t('Reconfiguring…') });
      await e.setExtraConfig(client, ref, plan.changes, { signal });
      await this.refreshTree(t.conn);
      return vscode.l10n.t('{0} applied to {1} through ReconfigVM_Task.', e.fixLabel(fix), t.name);
    });
  }

  private async refreshTree(conn: string): Promise<void> {
    await this.inventory.sessions.load(conn, true).catch(() => undefined);
    this.inventory.provider.refresh(this.inventory.provider.connectionNode(conn));
  }

  /** A .vmx: keeps the user's created-on version for this file ('' forgets it) and checks again. */
  async setCreatedOn(version: string, signal?: AbortSignal): Promise<BackupReport> {
    const t = this.host.state.target;
    if (t.kind !== 'vmx') throw new Error(vscode.l10n.t('Only a .vmx file takes a created-on version; for a VM from the inventory it is inferred.'));
    if (version !== '' && !/^\d+\.\d+$/.test(version)) throw new Error(vscode.l10n.t('"{0}" is not a vSphere version such as 4.1.', version));
    await this.host.context.workspaceState.update(createdOnKey(t.uri), version || undefined);
    createdOnChanged.fire(t.uri);
    return this.check(signal);
  }

  async addLogs(signal?: AbortSignal): Promise<BackupReport | null> {
    const picked = await pickLogFiles();
    if (!picked?.length) return null;
    return this.withLogs(picked.map((u) => u.toString()), signal);
  }

  async fetchLogs(signal?: AbortSignal): Promise<BackupReport | null> {
    const { fetchLogsOverSsh } = fetchModule();
    const got = await fetchLogsOverSsh(this.host.context);
    if (!got?.length) return null;
    return this.withLogs(got.map((u) => u.toString()), signal);
  }

  /** Adds log files (URI strings) to the panel's and checks again. */
  async withLogs(logs: string[], signal?: AbortSignal): Promise<BackupReport> {
    const s = this.host.state;
    this.host.setState({ ...s, logs: [...new Set([...s.logs, ...logs])] });
    return this.check(signal);
  }

  async removeLog(uri: string, signal?: AbortSignal): Promise<BackupReport> {
    const s = this.host.state;
    this.host.setState({ ...s, logs: s.logs.filter((u) => u !== uri) });
    return this.check(signal);
  }
}

const LOG_NAME = /^(datarecovery|vcbapi)(-\d+)?\.log$/i;

/** Data Recovery logs in a folder (two levels down at most). */
async function logsIn(folder: vscode.Uri, depth = 2): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(folder)) {
    const u = vscode.Uri.joinPath(folder, name);
    if (type === vscode.FileType.File && LOG_NAME.test(name)) out.push(u);
    else if (type === vscode.FileType.Directory && depth > 0) out.push(...await logsIn(u, depth - 1));
  }
  return out;
}

/** Asks for Data Recovery log files or folders; folders give their datarecovery-*.log and vcbAPI-*.log. */
export async function pickLogFiles(given?: vscode.Uri[]): Promise<vscode.Uri[] | undefined> {
  const picked = given ?? await vscode.window.showOpenDialog({
    canSelectFiles: true, canSelectFolders: true, canSelectMany: true,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: vscode.l10n.t('Analyze'),
    title: vscode.l10n.t('Data Recovery logs (datarecovery-*.log, vcbAPI-*.log) or a folder holding them'),
    filters: { [vscode.l10n.t('Logs')]: ['log'], [vscode.l10n.t('All files')]: ['*'] },
  });
  if (!picked) return undefined;
  const out: vscode.Uri[] = [];
  for (const u of picked) {
    const st = await vscode.workspace.fs.stat(u);
    if (st.type & vscode.FileType.Directory) out.push(...await logsIn(u));
    else out.push(u);
  }
  if (!out.length) void vscode.window.showWarningMessage(vscode.l10n.t('No datarecovery-*.log or vcbAPI-*.log files there.'));
  return out;
}

export function backupPanelDefinition(inventory: InventoryServices): PanelDefinition<BackupProtocol, BackupState, BackupController> {
  return {
    viewType: BACKUP_VIEW_TYPE,
    bundle: 'backup',
    key: (s) => targetKey(s.target, s.logs),
    title: (s) => {
      const t = s.target;
      const what = t.kind === 'vm' ? t.name : t.kind === 'vmx' ? shortName(t.uri) : vscode.l10n.t('Data Recovery logs');
      return vscode.l10n.t('Backups: {0}', what);
    },
    strings: uiStrings,
    controller: (host) => new BackupController(host, inventory),
  };
}
