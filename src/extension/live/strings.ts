/** The events panel's UI strings, localised here (vscode.l10n) and sent to the webview (src/webview/live). */
import * as vscode from 'vscode';

export function eventsStrings(): Record<string, string> {
  return {
    '(system)': vscode.l10n.t('(system)'),
    'Event types (comma-separated)': vscode.l10n.t('Event types (comma-separated)'),
    'Users (comma-separated)': vscode.l10n.t('Users (comma-separated)'),
    Apply: vscode.l10n.t('Apply'),
    Time: vscode.l10n.t('Time'),
    User: vscode.l10n.t('User'),
    Type: vscode.l10n.t('Type'),
    Message: vscode.l10n.t('Message'),
    'Following new events': vscode.l10n.t('Following new events'),
    '{0} events': vscode.l10n.t('{0} events'),
    'No older events': vscode.l10n.t('No older events'),
    'Load older': vscode.l10n.t('Load older'),
    'Loading…': vscode.l10n.t('Loading…'),
    'No events match.': vscode.l10n.t('No events match.'),
    'Events of {0}': vscode.l10n.t('Events of {0}'),
  };
}

