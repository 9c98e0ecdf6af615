/**
 * The SSH password prompt: an input box with a "remember" toggle (the key button in its title bar),
 * off unless the user turns it on. Remembering happens only after the host accepted the password
 * (see ./service.ts); the choice itself is all this returns.
 */
import * as vscode from 'vscode';

export interface PasswordAnswer {
  readonly password: string;
  /** The user asked to keep it in SecretStorage. */
  readonly remember: boolean;
}

export interface PasswordPromptOptions {
  readonly user: string;
  readonly host: string;
  readonly title: string;
  /** The host refused the previous password (a remembered one, or one typed just before). */
  readonly refused?: boolean;
}

function promptText(o: PasswordPromptOptions, remember: boolean): string {
  const lead = o.refused
    ? vscode.l10n.t('{0} refused the password of {1}. Enter it again.', o.host, o.user)
    : vscode.l10n.t('Password for {0}@{1}', o.user, o.host);
  const keep = remember
    ? vscode.l10n.t('It will be remembered in VS Code\'s secret storage (key button: do not remember).')
    : vscode.l10n.t('Used for this connection only (key button: remember it in VS Code\'s secret storage).');
  return `${lead} ${keep}`;
}

/** Asks for the password of `user` on `host`; undefined when the user dismisses the box. */
export function askSshPassword(o: PasswordPromptOptions): Promise<PasswordAnswer | undefined> {
  const box = vscode.window.createInputBox();
  let remember = false;
  const button = (): vscode.QuickInputButton => ({
    iconPath: new vscode.ThemeIcon(remember ? 'pass-filled' : 'key'),
    tooltip: remember ? vscode.l10n.t('Do not remember this password') : vscode.l10n.t('Remember this password in VS Code\'s secret storage'),
  });
  const render = (): void => {
    box.prompt = promptText(o, remember);
    box.buttons = [button()];
  };
  box.title = o.title;
  box.password = true;
  box.ignoreFocusOut = true;
  render();
  return new Promise<PasswordAnswer | undefined>((resolve) => {
    let answer: PasswordAnswer | undefined;
    const subs = [
      box.onDidTriggerButton(() => { remember = !remember; render(); }),
      box.onDidAccept(() => { answer = { password: box.value, remember }; box.hide(); }),
      box.onDidHide(() => {
        for (const s of subs) s.dispose();
        box.dispose();
        resolve(answer);
      }),
    ];
    box.show();
  });
}
