/**
 * Problems for .vmx files from the lint rules (src/core/vmx/lint.ts): on open, on change (debounced),
 * cleared on close. Quick fixes come from the same lint run (see codeActions.ts).
 */
import * as vscode from 'vscode';
import { lintVmx, type VmxDiagnostic, type VmxSeverity } from '../../core/vmx/lint';
import { log } from '../log';
import { lintMessageL10n, relatedMessageL10n } from './messages';
import { checkEditorEncoding, ENCODING_MISMATCH, encodingMessage, type EncodingProblem } from './encodingCheck';
import { catalog, VMX_LANGUAGE, type VmxDocumentCache } from './shared';

export const VMX_DIAGNOSTIC_SOURCE = 'vmx';
const DEBOUNCE_MS = 200;
/** Read-only views of another document (diff editors, SCM): their problems belong to the original. */
const SKIPPED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm']);

function wanted(document: vscode.TextDocument): boolean {
  return document.languageId === VMX_LANGUAGE && !SKIPPED_SCHEMES.has(document.uri.scheme);
}

const SEVERITY: Record<VmxSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** A problem the editor adds to the lint's: the file is shown in the wrong encoding (encodingCheck.ts). */
export interface VmxEncodingDiagnostic extends Omit<VmxDiagnostic, 'code' | 'fix' | 'args'> {
  code: typeof ENCODING_MISMATCH;
  encoding: EncodingProblem;
}

export type VmxEditorDiagnostic = VmxDiagnostic | VmxEncodingDiagnostic;

function encodingDiagnostic(p: EncodingProblem): VmxEncodingDiagnostic {
  return { line: p.line, column: p.column, endLine: p.line, endColumn: p.endColumn, severity: 'error', code: ENCODING_MISMATCH, message: '', encoding: p };
}

export function vmxRange(d: VmxEditorDiagnostic): vscode.Range {
  return new vscode.Range(d.line, d.column, d.endLine, d.endColumn);
}

export function toDiagnostic(d: VmxEditorDiagnostic, uri: vscode.Uri): vscode.Diagnostic {
  const message = d.code === ENCODING_MISMATCH ? encodingMessage(d.encoding) : lintMessageL10n(d);
  const diag = new vscode.Diagnostic(vmxRange(d), message, SEVERITY[d.severity]);
  diag.source = VMX_DIAGNOSTIC_SOURCE;
  diag.code = d.code;
  if (d.related?.length) {
    diag.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Position(r.line, 0)), relatedMessageL10n(d, r.message)));
  }
  return diag;
}

/** Lint results per document version, shared by the diagnostics and the quick fixes. */
export class VmxLinter {
  private readonly results = new Map<string, { version: number; diags: VmxEditorDiagnostic[] }>();

  constructor(private readonly cache: VmxDocumentCache) {}

  async lint(document: vscode.TextDocument): Promise<VmxEditorDiagnostic[]> {
    const key = document.uri.toString();
    const hit = this.results.get(key);
    if (hit && hit.version === document.version) return hit.diags;
    const cat = await catalog();
    const version = document.version;
    const doc = this.cache.get(document);
    const diags: VmxEditorDiagnostic[] = lintVmx(doc, cat.lookupKey);
    const encoding = await checkEditorEncoding(document, doc);
    if (encoding) diags.unshift(encodingDiagnostic(encoding));
    if (document.version !== version) return diags;
    this.results.set(key, { version, diags });
    return diags;
  }

  forget(uri: vscode.Uri): void {
    this.results.delete(uri.toString());
  }
}

export class VmxDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(VMX_DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly linter: VmxLinter) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.refresh(d);
  }

  private schedule(document: vscode.TextDocument): void {
    if (!wanted(document)) return;
    const key = document.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.refresh(document);
    }, DEBOUNCE_MS));
  }

  private refresh(document: vscode.TextDocument): void {
    if (!wanted(document) || document.isClosed) return;
    const version = document.version;
    this.linter.lint(document).then((diags) => {
      // a newer version is on its way (or the document closed): let that run publish
      if (document.isClosed || document.version !== version) return;
      this.collection.set(document.uri, diags.map((d) => toDiagnostic(d, document.uri)));
    }, (e: unknown) => {
      log().error(`[vmx] lint failed for ${document.uri.toString()}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    });
  }

  private clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.linter.forget(document.uri);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
