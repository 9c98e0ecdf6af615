/**
 * The user's answers to the extension's own dialogs, for tests: while `fn` runs, VS Code's modal
 * questions, save and open dialogs are answered by the given functions (stand-ins for a person
 * clicking; the extension host has no one to click). Every question asked is recorded.
 */
import * as vscode from 'vscode';

export interface DialogAnswers {
  /** The item to click in a showWarningMessage / showInformationMessage (undefined = dismiss). */
  warning?: (message: string, items: string[]) => string | undefined;
  /** What the save dialog returns. */
  save?: (options: vscode.SaveDialogOptions | undefined) => vscode.Uri | undefined;
  /** What the open dialog returns. */
  open?: (options: vscode.OpenDialogOptions | undefined) => vscode.Uri[] | undefined;
}

export interface Asked {
  kind: 'warning' | 'save' | 'open';
  message?: string;
  detail?: string;
}

type Win = Record<string, unknown>;

export async function withDialogs<T>(answers: DialogAnswers, fn: (asked: Asked[]) => Promise<T>): Promise<T> {
  const win = vscode.window as unknown as Win;
  const saved = { warning: win.showWarningMessage, save: win.showSaveDialog, open: win.showOpenDialog };
  const asked: Asked[] = [];
  win.showWarningMessage = async (message: string, ...rest: unknown[]) => {
    const opts = rest[0] && typeof rest[0] === 'object' && !('title' in (rest[0] as object)) ? (rest[0] as vscode.MessageOptions) : undefined;
    const items = rest.filter((x): x is string => typeof x === 'string');
    asked.push({ kind: 'warning', message, ...(opts?.detail ? { detail: opts.detail } : {}) });
    return answers.warning ? answers.warning(message, items) : undefined;
  };
  win.showSaveDialog = async (o?: vscode.SaveDialogOptions) => { asked.push({ kind: 'save' }); return answers.save?.(o); };
  win.showOpenDialog = async (o?: vscode.OpenDialogOptions) => { asked.push({ kind: 'open' }); return answers.open?.(o); };
  try {
    return await fn(asked);
  } finally {
    win.showWarningMessage = saved.warning;
    win.showSaveDialog = saved.save;
    win.showOpenDialog = saved.open;
  }
}
