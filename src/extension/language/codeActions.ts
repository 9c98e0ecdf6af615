/**
 * Quick fixes for .vmx problems: the lint's own `fix` (remove a later duplicate, quote a value,
 * write a boolean the way VMware does, close a quote…) and, where the lint leaves the choice to the
 * user, one action per candidate (TRUE / FALSE for an invalid boolean, the values of a closed enum).
 */
import * as vscode from 'vscode';
import { valueReplacement } from '../../core/vmx/document';
import { minimalEdit } from '../../core/vmx/edit';
import { escapeValue } from '../../core/vmx/encoding';
import { editDistance, type VmxDiagnostic } from '../../core/vmx/lint';
import { toDiagnostic, vmxRange, VMX_DIAGNOSTIC_SOURCE, type VmxEncodingDiagnostic, type VmxLinter } from './diagnostics';
import { CHANGE_ENCODING_COMMAND, ENCODING_MISMATCH, REOPEN_WITH_ENCODING_COMMAND } from './encodingCheck';
import { fixTitleL10n } from './messages';
import { catalog, toRange, type VmxDocumentCache } from './shared';

/** Fixes whose result is what the user almost certainly wants (applied by "Auto Fix"). */
const PREFERRED = new Set(['duplicate-key', 'unquoted-value', 'nonstandard-boolean', 'unterminated-quote']);
/** Closed enums with at most this many values get one action per value. */
const MAX_ENUM_ACTIONS = 8;

export class VmxCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly cache: VmxDocumentCache, private readonly linter: VmxLinter) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    if (context.only && !vscode.CodeActionKind.QuickFix.contains(context.only) && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const version = document.version;
    const diags = await this.linter.lint(document);
    if (document.version !== version) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of diags) {
      const r = vmxRange(d);
      if (!r.intersection(range) && !(r.isEmpty && range.contains(r.start))) continue;
      const shown = context.diagnostics.find((c) => c.source === VMX_DIAGNOSTIC_SOURCE && c.code === d.code && c.range.isEqual(r)) ?? toDiagnostic(d, document.uri);
      const make = (title: string, edits: readonly { range: vscode.Range; newText: string }[], preferred: boolean): void => {
        if (edits.length === 0) return;
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [shown];
        action.isPreferred = preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of edits) action.edit.replace(document.uri, e.range, e.newText);
        actions.push(action);
      };
      if (d.code === ENCODING_MISMATCH) {
        actions.push(...this.encodingActions(document, d, shown));
        continue;
      }
      if (d.fix) {
        make(fixTitleL10n(d, d.fix), d.fix.edits.map((e) => ({ range: toRange(e.range), newText: e.newText })), PREFERRED.has(d.code));
        continue;
      }
      if (d.code === 'invalid-boolean') {
        for (const v of ['TRUE', 'FALSE']) make(vscode.l10n.t('Change to "{0}"', v), this.valueEdit(document, d.line, v), false);
      } else if (d.code === 'invalid-enum') {
        await this.enumActions(document, d, make);
      }
    }
    return actions;
  }

  /** Reopen with the encoding the file declares (preferred), or pick one in VS Code's own picker. */
  private encodingActions(document: vscode.TextDocument, d: VmxEncodingDiagnostic, shown: vscode.Diagnostic): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const { vscodeId, declared } = d.encoding;
    if (vscodeId) {
      const a = new vscode.CodeAction(vscode.l10n.t('Reopen with Encoding {0}', declared ?? vscodeId), vscode.CodeActionKind.QuickFix);
      a.command = { title: a.title, command: REOPEN_WITH_ENCODING_COMMAND, arguments: [document.uri.toString(), vscodeId] };
      a.diagnostics = [shown];
      a.isPreferred = true;
      out.push(a);
    }
    const pick = new vscode.CodeAction(vscode.l10n.t('Reopen with Encoding…'), vscode.CodeActionKind.QuickFix);
    pick.command = { title: pick.title, command: CHANGE_ENCODING_COMMAND };
    pick.diagnostics = [shown];
    out.push(pick);
    return out;
  }

  /** Replaces the value on `line`, keeping the line's quoting and spacing. */
  private valueEdit(document: vscode.TextDocument, line: number, value: string): { range: vscode.Range; newText: string }[] {
    const l = this.cache.get(document).line(line);
    if (l.valueStart < 0) return [];
    const { prefix, body, suffix } = valueReplacement(l, escapeValue(value));
    const e = minimalEdit({ line, character: 0 }, l.text, prefix + body + suffix);
    return e ? [{ range: toRange(e.range), newText: e.newText }] : [];
  }

  private async enumActions(document: vscode.TextDocument, d: VmxDiagnostic, make: (title: string, edits: { range: vscode.Range; newText: string }[], preferred: boolean) => void): Promise<void> {
    const l = this.cache.get(document).line(d.line);
    const key = l.key;
    if (!key) return;
    const match = (await catalog()).lookupKey(key);
    const values = match?.entry.values ?? [];
    const current = l.rawValue ?? '';
    const ranked = values.map((v) => ({ v, dist: editDistance(current, v.value) })).sort((a, b) => a.dist - b.dist);
    const shortList = values.length <= MAX_ENUM_ACTIONS ? ranked : ranked.filter((x) => x.dist <= 2).slice(0, 3);
    const best = ranked.length > 0 && ranked[0].dist <= 2 && (ranked.length === 1 || ranked[1].dist > ranked[0].dist) ? ranked[0].v : undefined;
    for (const { v } of shortList) make(vscode.l10n.t('Change to "{0}" ({1})', v.value, v.description), this.valueEdit(document, d.line, v.value), v === best);
  }
}
