/**
 * The one prompt for an SSH host key the connection stopped on: unknown (first contact) or CHANGED
 * (the pinned key differs: a reinstalled host, or someone in the middle). The user compares the
 * fingerprint with the host's own and decides; nothing is trusted silently. Used by the SSH service
 * (./service.ts); features do not call it themselves.
 */
import * as vscode from 'vscode';
import { HostKeyChangedError, hostKeyFile, UnknownHostKeyError } from '../../core/esxi/ssh';

/** True when `e` is a host-key refusal the user can settle by trusting the key presented. */
export function isHostKeyProblem(e: unknown): e is UnknownHostKeyError | HostKeyChangedError {
  return (e instanceof UnknownHostKeyError || e instanceof HostKeyChangedError) && !!e.fingerprint;
}

/**
 * Asks whether to trust the key presented in `e` and returns its fingerprint (to pin and connect
 * again), or undefined when the user declines. `target` is `host:port` as shown; `where` says where
 * the user can read the host's own key ("the host's console (DCUI, or the ESXi Shell)").
 */
export async function askToTrustHostKey(e: UnknownHostKeyError | HostKeyChangedError, target: string, where: string): Promise<string | undefined> {
  const presented = `${e.keyType ? `${e.keyType} ` : ''}${e.fingerprint}`;
  const check = `ssh-keygen -lf ${hostKeyFile(e.keyType)}`;
  if (e instanceof UnknownHostKeyError) {
    const trust = vscode.l10n.t('Trust and Connect');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} presents an SSH host key vSphere Lab has not seen before.', target),
      { modal: true, detail: vscode.l10n.t('Fingerprint: {0}\n\nTrust it only if it matches the key shown on {1} ("{2}").', presented, where, check) },
      trust);
    return choice === trust ? e.fingerprint : undefined;
  }
  const trustNew = vscode.l10n.t('Trust the New Key');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('The SSH host key of {0} has CHANGED since it was pinned.', target),
    {
      modal: true,
      detail: vscode.l10n.t('Pinned: {0}\nPresented now: {1}\n\nIf the host was reinstalled or its keys were regenerated, compare the new key with the one shown on {2} ("{3}") and trust it only if they match. Otherwise someone may be intercepting the connection: do not connect.', e.expected, presented, where, check),
    },
    trustNew);
  return choice === trustNew ? e.fingerprint : undefined;
}
