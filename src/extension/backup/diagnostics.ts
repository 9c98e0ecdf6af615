/**
 * Backup findings as editor diagnostics on open .vmx files and Data Recovery logs (source
 * "vSphere Lab backup"; they sit beside the .vmx lint's), with quick fixes that set the key.
 */
import * as vscode from 'vscode';
import type { Finding, Severity } from '../../core/backup/rules';
import { log } from '../log';

export const BACKUP_DIAGNOSTIC_SOURCE = 'vSphere Lab backup';
const LANGUAGES = new Set(['vmx', 'vdr-log']);
const SKIPPED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm']);
const DEBOUNCE_MS = 300;
const engine = () => import('./engine');

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function wanted(d: vscode.TextDocument): boolean {
  return LANGUAGES.has(d.languageId) && !SKIPPED_SCHEMES.has(d.uri.scheme);
}

export class BackupDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly collection = vscode.languages.createDiagnosticCollection('vsphereLab.backup');
  private readonly findings = new Map<string, { version: number; findings: Finding[] }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  /** `createdOn(uri)`: the version the user said a .vmx's VM was created on (panel choice), if any. */
  constructor(private readonly createdOn: (uri: string) => string | undefined = () => undefined, createdOnChanged?: vscode.Event<string>) {
    if (createdOnChanged) {
      this.disposables.push(createdOnChanged((uri) => {
        const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri);
        if (d) this.schedule(d, 0);
      }));
    }
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
      vscode.languages.registerCodeActionsProvider([{ language: 'vmx' }, { language: 'vdr-log' }], this, BackupDiagnostics.metadata),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(d: vscode.TextDocument, delay: number): void {
    if (!wanted(d)) return;
    const key = d.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.refresh(d);
    }, delay));
  }

  /** Computes and publishes the diagnostics of one document (tests await it). */
  async refresh(d: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
    if (!wanted(d) || d.isClosed) return [];
    const version = d.version;
    const file = d.uri.toString();
    try {
      const e = await engine();
      const text = d.getText();
      const createdOn = d.languageId === 'vmx' ? this.createdOn(file) : undefined;
      const findings = d.languageId === 'vmx' ? e.diagnoseVmxText(text, file, createdOn ? { createdOnVersion: createdOn } : undefined).findings : (await e.diagnoseLogText(text, file)).findings;
      if (d.isClosed || d.version !== version) return [];
      const diags: vscode.Diagnostic[] = [];
      for (const f of findings) {
        const lines = d.languageId === 'vmx' ? [e.anchorLine(f, file)] : logLines(f, file);
        for (const line of lines) {
          if (line === undefined || line >= d.lineCount) continue;
          const range = d.lineAt(line).range;
          const diag = new vscode.Diagnostic(range, `${f.title}\n${f.explanation}`, SEVERITY[f.severity]);
          diag.source = BACKUP_DIAGNOSTIC_SOURCE;
          diag.code = f.id;
          const related = f.evidence.filter((x) => (x.kind === 'vmx' || x.kind === 'log') && x.file === file && x.line - 1 !== line && x.line - 1 < d.lineCount);
          if (related.length) {
            diag.relatedInformation = related.slice(0, 6).map((x) => new vscode.DiagnosticRelatedInformation(
              new vscode.Location(d.uri, d.lineAt((x as { line: number }).line - 1).range), vscode.l10n.t('Evidence')));
          }
          diags.push(diag);
        }
      }
      this.findings.set(file, { version, findings });
      this.collection.set(d.uri, diags);
      return diags;
    } catch (err) {
      log().error(`[backup] diagnostics failed for ${file}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return [];
    }
  }

  private clear(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.findings.delete(key);
    this.collection.delete(d.uri);
  }

  async provideCodeActions(d: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = ctx.diagnostics.filter((x) => x.source === BACKUP_DIAGNOSTIC_SOURCE);
    if (!ours.length) return [];
    const known = this.findings.get(d.uri.toString());
    if (!known || known.version !== d.version) return [];
    const e = await engine();
    const out: vscode.CodeAction[] = [];
    let running: string | undefined;
    if (d.languageId === 'vmx' && d.uri.scheme === 'file') {
      const locks = await e.findVmLocks(d.uri.fsPath);
      if (locks.length) running = vscode.l10n.t('The VM is running (lock files next to the .vmx): power it off first.');
    }
    if (!vscode.workspace.isTrusted) running = vscode.l10n.t('This workspace is not trusted: vSphere Lab does not edit .vmx files here.');
    for (const diag of ours) {
      const f = known.findings.find((x) => x.id === diag.code);
      if (!f) continue;
      if (d.languageId === 'vmx') {
        for (const fix of f.fix ?? []) {
          const plan = e.planFix(fix, 'vmx');
          if (plan.kind !== 'vmx') continue;
          const action = new vscode.CodeAction(e.fixLabel(fix), vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diag];
          action.isPreferred = out.length === 0;
          if (running) {
            action.disabled = { reason: running };
          } else {
            try {
              const edits = e.VmxDocument.fromText(d.getText()).planEdits(plan.changes);
              const we = new vscode.WorkspaceEdit();
              for (const ed of edits) we.replace(d.uri, new vscode.Range(ed.range.start.line, ed.range.start.character, ed.range.end.line, ed.range.end.character), ed.newText);
              action.edit = we;
            } catch (err) {
              action.disabled = { reason: (err as Error).message };
            }
          }
          out.push(action);
        }
      }
    }
    // One "open the panel" action for all of them.
    const show = new vscode.CodeAction(vscode.l10n.t('Open Backup Diagnostics'), vscode.CodeActionKind.QuickFix);
    show.diagnostics = ours;
    show.command = { command: 'vsphereLab.backupDiagnose', title: show.title, arguments: [d.uri] };
    out.push(show);
    return out;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** 0-based lines of a finding's log evidence in `file`, without repeats. */
function logLines(f: Finding, file: string): number[] {
  const out = new Set<number>();
  for (const e of f.evidence) if (e.kind === 'log' && e.file === file) out.add(e.line - 1);
  return [...out];
}
