/**
 * The Certificates board's UI strings, localised here (vscode.l10n) and sent to the webview, which
 * looks its texts up by their English form.
 */
import * as vscode from 'vscode';

export function boardStrings(): Record<string, string> {
  return {
    'API': vscode.l10n.t('API'),
    'Certificate and chain': vscode.l10n.t('Certificate and chain'),
    'Certificates': vscode.l10n.t('Certificates'),
    'Days left': vscode.l10n.t('Days left'),
    'deploying…': vscode.l10n.t('deploying…'),
    'expired': vscode.l10n.t('expired'),
    'expired {0} d ago': vscode.l10n.t('expired {0} d ago'),
    'Expires': vscode.l10n.t('Expires'),
    'Export CSV': vscode.l10n.t('Export CSV'),
    'failed': vscode.l10n.t('failed'),
    'Import and rotate ({0})': vscode.l10n.t('Import and rotate ({0})'),
    'issued by {0}': vscode.l10n.t('issued by {0}'),
    'Key': vscode.l10n.t('Key'),
    'Loading…': vscode.l10n.t('Loading…'),
    'new certificate live': vscode.l10n.t('new certificate live'),
    'No imported certificate covers {0}.': vscode.l10n.t('No imported certificate covers {0}.'),
    'Read by / route': vscode.l10n.t('Read by / route'),
    'Read {0} of {1}…': vscode.l10n.t('Read {0} of {1}…'),
    'Reading every host\'s certificate…': vscode.l10n.t('Reading every host\'s certificate…'),
    'Refresh': vscode.l10n.t('Refresh'),
    'Request CSRs ({0})': vscode.l10n.t('Request CSRs ({0})'),
    'rolled back: old certificate live': vscode.l10n.t('rolled back: old certificate live'),
    'Rotation': vscode.l10n.t('Rotation'),
    'Rotation: {0} new, {1} rolled back, {2} other or failed, {3} skipped.': vscode.l10n.t('Rotation: {0} new, {1} rolled back, {2} other or failed, {3} skipped.'),
    'Saved {0}': vscode.l10n.t('Saved {0}'),
    'Select expiring': vscode.l10n.t('Select expiring'),
    'Select {0}': vscode.l10n.t('Select {0}'),
    'Server': vscode.l10n.t('Server'),
    'serves another certificate': vscode.l10n.t('serves another certificate'),
    'setting vsphereLab.certificates.warnDays': vscode.l10n.t('setting vsphereLab.certificates.warnDays'),
    'SHA-256': vscode.l10n.t('SHA-256'),
    'skipped: no certificate imported': vscode.l10n.t('skipped: no certificate imported'),
    'Sort': vscode.l10n.t('Sort'),
    'Sort by expiry': vscode.l10n.t('Sort by expiry'),
    'Sort by generation': vscode.l10n.t('Sort by generation'),
    'Sort by name': vscode.l10n.t('Sort by name'),
    'This connection has no host.': vscode.l10n.t('This connection has no host.'),
    'Thresholds:': vscode.l10n.t('Thresholds:'),
    'TLS': vscode.l10n.t('TLS'),
    'waiting': vscode.l10n.t('waiting'),
    '{0} CSR(s) written to {1}': vscode.l10n.t('{0} CSR(s) written to {1}'),
    '{0} d': vscode.l10n.t('{0} d'),
    '{0} was not used: {1}': vscode.l10n.t('{0} was not used: {1}'),
    '{0} · read {1}': vscode.l10n.t('{0} · read {1}'),
  };
}
