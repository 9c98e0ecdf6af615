/**
 * The one prompt for an SSH host key the connection stopped on: unknown (first contact) or CHANGED
 * (the pinned key differs: a reinstalled host, or someone in the middle). The user compares the
 * fingerprint with the host's own and decides; nothing is trusted silently.
 */
import * as vscode from 'vscode';
import { HostKeyChangedError, UnknownHostKeyError } from '../../core/esxi/ssh';

/** `/etc/ssh/ssh_host_<type>_key.pub` for the key type presented (see core/esxi/ssh.ts). */
type HostKeyFile = (keyType: string | undefined) => string;

/**
 * When `e` is an unknown or changed host key, asks whether to trust the key presented and returns
 * its fingerprint (to pin and connect again), or undefined when the user declines. Any other
 * error is thrown again.
 */
export async function askToTrustHostKey(e: unknown, target: string, where: string, hostKeyFile: HostKeyFile): Promise<string | undefined> {
  if (!(e instanceof UnknownHostKeyError || e instanceof HostKeyChangedError)) throw e;
  const err = e;
  const presented = `${err.keyType ? `${err.keyType} ` : ''}${err.fingerprint}`;
  const check = `ssh-keygen -lf ${hostKeyFile(err.keyType)}`;
  if (err instanceof UnknownHostKeyError) {
    const trust = vscode.l10n.t('Trust and Connect');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} presents an SSH host key vSphere Lab has not seen before.', target),
      { modal: true, detail: vscode.l10n.t('Fingerprint: {0}\n\nTrust it only if it matches the key shown on {1} ("{2}").', presented, where, check) },
      trust);
    return choice === trust ? err.fingerprint : undefined;
  }
  const trustNew = vscode.l10n.t('Trust the New Key');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('The SSH host key of {0} has CHANGED since it was pinned.', target),
    {
      modal: true,
      detail: vscode.l10n.t('Pinned: {0}\nPresented now: {1}\n\nIf the host was reinstalled or its keys were regenerated, compare the new key with the one shown on {2} ("{3}") and trust it only if they match. Otherwise someone may be intercepting the connection: do not connect.', err.expected, presented, where, check),
    },
    trustNew);
  return choice === trustNew ? err.fingerprint : undefined;
}
