/**
 * Backup findings as editor diagnostics on open .vmx files and Data Recovery logs (source
 * "vSphere Lab backup"; they sit beside the .vmx lint's), with quick fixes that set the key.
 * Runs as an analyzer of the document-analysis host (analysis/host.ts), over the .vmx model the
 * host parsed once for this version.
 */
import * as vscode from 'vscode';
import type { Finding, Severity } from '../../core/backup/rules';
import type { AnalysisHost, AnalysisInput, VmxDocumentCache } from '../analysis/host';

export const BACKUP_DIAGNOSTIC_SOURCE = 'vSphere Lab backup';
const ANALYZER_ID = 'backup';
const engine = () => import('./engine');

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class BackupDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly findings = new Map<string, { version: number; findings: Finding[] }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly documents: VmxDocumentCache;

  /** `createdOn(uri)`: the version the user said a .vmx's VM was created on (panel choice), if any. */
  constructor(analysis: AnalysisHost, private readonly createdOn: (uri: string) => string | undefined = () => undefined, createdOnChanged?: vscode.Event<string>) {
    this.documents = analysis.documents;
    if (createdOnChanged) {
      this.disposables.push(createdOnChanged((uri) => {
        const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri);
        if (d) void analysis.refresh(d, ANALYZER_ID);
      }));
    }
    this.disposables.push(
      analysis.register({
        id: ANALYZER_ID,
        collection: 'vsphereLab.backup',
        languages: ['vmx', 'vdr-log'],
        analyze: (input) => this.analyze(input),
        forget: (uri) => this.findings.delete(uri.toString()),
      }),
      vscode.languages.registerCodeActionsProvider([{ language: 'vmx' }, { language: 'vdr-log' }], this, BackupDiagnostics.metadata),
    );
  }

  /** The diagnostics of one document version (the host publishes them). */
  private async analyze({ document: d, version, vmx }: AnalysisInput): Promise<vscode.Diagnostic[] | undefined> {
    const file = d.uri.toString();
    const e = await engine();
    let findings: Finding[];
    if (d.languageId === 'vmx') {
      const createdOn = this.createdOn(file);
      findings = e.diagnoseVmxDocument(vmx(), file, createdOn ? { createdOnVersion: createdOn } : undefined).findings;
    } else {
      findings = (await e.diagnoseLogText(d.getText(), file)).findings;
    }
    if (d.isClosed || d.version !== version) return undefined;
    const diags: vscode.Diagnostic[] = [];
    for (const f of findings) {
      const lines = d.languageId === 'vmx' ? [e.anchorLine(f, file)] : logLines(f, file);
      for (const line of lines) {
        if (line === undefined || line >= d.lineCount) continue;
        diags.push(toDiagnostic(d, f, line));
      }
    }
    this.findings.set(file, { version, findings });
    return diags;
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
              const edits = this.documents.get(d).planEdits(plan.changes);
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
    for (const d of this.disposables) d.dispose();
  }
}

function toDiagnostic(d: vscode.TextDocument, f: Finding, line: number): vscode.Diagnostic {
  const diag = new vscode.Diagnostic(d.lineAt(line).range, `${f.title}\n${f.explanation}`, SEVERITY[f.severity]);
  diag.source = BACKUP_DIAGNOSTIC_SOURCE;
  diag.code = f.id;
  const related = f.evidence.filter((x) => (x.kind === 'vmx' || x.kind === 'log') && x.file === d.uri.toString() && x.line - 1 !== line && x.line - 1 < d.lineCount);
  if (related.length) {
    diag.relatedInformation = related.slice(0, 6).map((x) => new vscode.DiagnosticRelatedInformation(
      new vscode.Location(d.uri, d.lineAt((x as { line: number }).line - 1).range), vscode.l10n.t('Evidence')));
  }
  return diag;
}

/** 0-based lines of a finding's log evidence in `file`, without repeats. */
function logLines(f: Finding, file: string): number[] {
  const out = new Set<number>();
  for (const e of f.evidence) if (e.kind === 'log' && e.file === file) out.add(e.line - 1);
  return [...out];
}
