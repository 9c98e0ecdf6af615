/**
 * Problems for .vmx files from the lint rules (src/core/vmx/lint.ts), run by the document-analysis
 * host (analysis/host.ts: on open, on change debounced, cleared on close) over the model it parsed
 * once for this version. Quick fixes come from the same lint run (see codeActions.ts).
 */
import * as vscode from 'vscode';
import { lintVmx, type VmxDiagnostic, type VmxSeverity } from '../../core/vmx/lint';
import type { DocumentAnalyzer } from '../analysis/host';
import { lintMessageL10n, relatedMessageL10n } from './messages';
import { checkEditorEncoding, ENCODING_MISMATCH, encodingMessage, type EncodingProblem } from './encodingCheck';
import { catalog, VMX_LANGUAGE, type VmxDocumentCache } from './shared';

export const VMX_DIAGNOSTIC_SOURCE = 'vmx';

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

/** The lint as an analyzer of the document-analysis host (analysis/host.ts): source "vmx". */
export function vmxLintAnalyzer(linter: VmxLinter): DocumentAnalyzer {
  return {
    id: 'vmx',
    collection: VMX_DIAGNOSTIC_SOURCE,
    languages: [VMX_LANGUAGE],
    analyze: async ({ document }) => (await linter.lint(document)).map((d) => toDiagnostic(d, document.uri)),
    forget: (uri) => linter.forget(uri),
  };
}
