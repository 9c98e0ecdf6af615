/**
 * The lint's messages in the user's language. The core (src/core/vmx/lint.ts) words each diagnostic in
 * English for the CLI and gives its `code` and `args`; here each code maps to a `vscode.l10n.t` string
 * with the same args (French in l10n/bundle.l10n.fr.json).
 */
import * as vscode from 'vscode';
import type { VmxDiagnostic, VmxFix } from '../../core/vmx/lint';

/** The Problems-panel message for a lint diagnostic. */
export function lintMessageL10n(d: Pick<VmxDiagnostic, 'code' | 'args' | 'message'>): string {
  const a = d.args;
  switch (d.code) {
    case 'unknown-encoding': return vscode.l10n.t('Unknown encoding "{0}": bytes are kept as they are, but non-ASCII text may show wrongly.', a[0]);
    case 'undecodable-line': return vscode.l10n.t('This line is not valid {0}; its bytes are kept unchanged.', a[0]);
    case 'missing-key': return vscode.l10n.t('No key before "=": VMware ignores this line.');
    case 'missing-equals': return vscode.l10n.t('Missing "=" after "{0}": VMware ignores this line.', a[0]);
    case 'unterminated-quote': return vscode.l10n.t('The value of "{0}" has no closing quote: VMware ignores this line.', a[0]);
    case 'trailing-text': return vscode.l10n.t('Unexpected text after the value of "{0}": VMware ignores this line (quote values that hold spaces; start comments with #).', a[0]);
    case 'nul-character': return vscode.l10n.t('NUL character in the line: VMware stops reading the line there.');
    case 'unquoted-value': return vscode.l10n.t('The value of "{0}" is not quoted; VMware writes every value in double quotes.', a[0]);
    case 'duplicate-key': return vscode.l10n.t('"{0}" is already set on line {1} (keys are case-insensitive); VMware refuses to start a VM with a duplicated key.', a[0], a[1]);
    case 'unknown-key': return vscode.l10n.t('"{0}" is not in the key catalog (it may still be valid).', a[0]);
    case 'nonstandard-boolean': return vscode.l10n.t('"{0}" is a boolean; "{1}" is not a form VMware documents or writes (use "{2}").', a[0], a[1], a[2]);
    case 'invalid-boolean': return vscode.l10n.t('"{0}" is a boolean: use "TRUE" or "FALSE", not "{1}".', a[0], a[1]);
    case 'invalid-int': return vscode.l10n.t('"{0}" takes a whole number, not "{1}".', a[0], a[1]);
    case 'int-out-of-range': return vscode.l10n.t('"{0}" = {1} is outside {2}–{3}.', a[0], a[1], a[2], a[3]);
    case 'invalid-enum': return vscode.l10n.t('"{0}" is not a known value of "{1}"; expected one of {2}.', a[0], a[1], a[2]);
    case 'unknown-value': return vscode.l10n.t('"{0}" is not a known value of "{1}" (it may still be valid); did you mean "{2}"?', a[0], a[1], a[2]);
    case 'invalid-size': return vscode.l10n.t('"{0}" takes a size in bytes (a whole number), not "{1}".', a[0], a[1]);
    case 'nonstandard-size': return vscode.l10n.t('"{0}" takes a size in bytes; VMware writes a plain number, not "{1}".', a[0], a[1]);
    case 'ctk-needs-hw7': return vscode.l10n.t('"{0}" = TRUE has no effect: changed block tracking needs virtual hardware 7 or later, this VM is version {1}.', a[0], a[1]);
    case 'needs-hardware': return vscode.l10n.t('"{0}" = "{1}" needs virtual hardware {2} or later on ESXi; this VM is version {3}.', a[0], a[1], a[2], a[3]);
    default: return d.message;
  }
}

/** The text of a "related information" line. */
export function relatedMessageL10n(d: { code: string }, message: string): string {
  if (d.code === 'duplicate-key') {
    const m = /^first "(.*)"$/.exec(message);
    if (m) return vscode.l10n.t('First "{0}"', m[1]);
  }
  return message;
}

/** The title of the lint's own fix. */
export function fixTitleL10n(d: Pick<VmxDiagnostic, 'code' | 'related'>, fix: VmxFix): string {
  const a = fix.args ?? [];
  switch (d.code) {
    case 'duplicate-key': {
      const first = d.related?.[0]?.line;
      return first !== undefined ? vscode.l10n.t('Remove this line (keep line {0})', String(first + 1)) : fix.title;
    }
    case 'missing-equals': return a.length === 2 ? vscode.l10n.t('Write {0} = {1}', a[0], a[1]) : fix.title;
    case 'unquoted-value': return vscode.l10n.t('Quote the value');
    case 'unterminated-quote': return vscode.l10n.t('Add the closing quote');
    case 'trailing-text': return vscode.l10n.t('Quote the whole value');
    case 'nonstandard-boolean':
    case 'unknown-value':
      return a.length === 1 ? vscode.l10n.t('Change to "{0}"', a[0]) : fix.title;
    default: return fix.title;
  }
}
