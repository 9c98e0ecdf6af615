import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The extension's log (Output → vSphere Lab). Never log secrets: passwords, keys, session cookies. */
export function log(): vscode.LogOutputChannel {
  if (!channel) channel = vscode.window.createOutputChannel('vSphere Lab', { log: true });
  return channel;
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
