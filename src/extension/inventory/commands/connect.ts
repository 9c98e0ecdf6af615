/**
 * Connecting a saved connection, and trusting the certificate it presents: the two call each other
 * (a connect stopped on an untrusted certificate asks to trust it; trusting reconnects).
 */
import * as vscode from 'vscode';
import { isCancellation } from '../../../core/errors';
import type { CertificateDescription } from '../../../core/vsphere/tls';
import { reportError, withCancellableProgress } from '../../commands';
import { log } from '../../log';
import { hostOf } from '../connections';
import type { InventoryServices } from '../services';
import { ConnectionProblem } from '../sessions';

/**
 * Connects and loads the inventory under a cancellable progress. When `interactive`, an untrusted
 * or changed certificate asks to trust it, and another failure is shown (the tree shows it anyway
 * as a fix-it node). Cancel aborts the connect/load and leaves the connection disconnected.
 */
export async function connectAndLoad(inv: InventoryServices, id: string, interactive: boolean): Promise<boolean> {
  const { store, sessions, provider } = inv;
  const conn = store.get(id);
  if (!conn) return false;
  try {
    await withCancellableProgress({ title: vscode.l10n.t('Connecting to {0}…', hostOf(conn.url)) }, async (signal) => {
      signal.addEventListener('abort', () => {
        log().info(`connecting to ${hostOf(conn.url)}: cancelled by the user`);
        void sessions.cancel(id).then(() => provider.refresh(provider.connectionNode(id)));
      }, { once: true });
      await sessions.load(id, true);
    });
  } catch (e) {
    if (isCancellation(e)) return false;
    const problem = e instanceof ConnectionProblem ? e.problem : undefined;
    if (interactive && problem && (problem.kind === 'untrusted' || problem.kind === 'certificateChanged')) {
      return trustCertificate(inv, id, undefined, true);
    }
    provider.refresh(provider.connectionNode(id));
    if (interactive) reportError(e, { command: 'vsphereLab.connect', args: [id] });
    return false;
  }
  provider.refresh(provider.connectionNode(id));
  return true;
}

/**
 * Shows the certificate the endpoint presents now and pins its SHA-256 thumbprint if the user
 * accepts (or if `thumbprint` is given and matches). Reconnects afterwards.
 */
export async function trustCertificate(inv: InventoryServices, id: string, thumbprint: string | undefined, fromConnect = false): Promise<boolean> {
  const { store, sessions, provider } = inv;
  const conn = store.get(id);
  if (!conn) return false;
  let cert: CertificateDescription;
  try {
    cert = await sessions.presentedCertificate(conn);
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not read the certificate of {0}: {1}', hostOf(conn.url), (e as Error).message));
    return false;
  }
  const accepted = thumbprint !== undefined
    ? matchesGiven(hostOf(conn.url), cert, thumbprint)
    : await askToTrust(hostOf(conn.url), cert, conn.thumbprintSha256);
  if (!accepted) {
    if (fromConnect && thumbprint === undefined) provider.refresh(provider.connectionNode(id));
    return false;
  }
  await store.update(id, { thumbprintSha256: cert.sha256 });
  log().info(`pinned ${hostOf(conn.url)} certificate SHA-256 ${cert.sha256}`);
  await sessions.reset(id);
  if (fromConnect) {
    await sessions.load(id, true).catch(() => undefined);
    provider.refresh(provider.connectionNode(id));
    return sessions.state(id).status === 'connected';
  }
  return connectAndLoad(inv, id, false);
}

/** A thumbprint given by a script: trusted only if it is the one presented. */
function matchesGiven(host: string, cert: CertificateDescription, thumbprint: string): boolean {
  if (normaliseThumb(thumbprint) === normaliseThumb(cert.sha256)) return true;
  void vscode.window.showErrorMessage(vscode.l10n.t('{0} presents the certificate {1}, not {2}: nothing was trusted.', host, cert.sha256, thumbprint));
  return false;
}

/** The modal trust prompt: first contact, or a certificate that CHANGED since it was pinned. */
async function askToTrust(host: string, cert: CertificateDescription, pinned: string | undefined): Promise<boolean> {
  const changed = pinned && normaliseThumb(pinned) !== normaliseThumb(cert.sha256);
  const head = changed
    ? vscode.l10n.t('The certificate of {0} has CHANGED since you trusted it.', host)
    : vscode.l10n.t('No trusted authority vouches for the certificate of {0}.', host);
  const why = changed
    ? vscode.l10n.t('If you did not replace it, someone may be intercepting the connection. Trust it only if you can confirm this thumbprint on the host itself (DCUI or the vSphere Client).')
    : vscode.l10n.t('Lab hosts often serve self-signed certificates. Trust it only if this thumbprint matches the one shown on the host (DCUI or the vSphere Client).');
  const trust = changed ? vscode.l10n.t('Trust the New Certificate') : vscode.l10n.t('Trust and Connect');
  const answer = await vscode.window.showWarningMessage(head, { modal: true, detail: `${why}\n\n${describeCertificate(cert)}` }, trust);
  return answer === trust;
}

export function normaliseThumb(t: string): string {
  return t.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** `AB:CD:…`, the form the store keeps. */
export function normaliseThumbDisplay(t: string): string {
  return normaliseThumb(t).replace(/(..)(?!$)/g, '$1:');
}

function describeCertificate(c: CertificateDescription): string {
  const lines = [
    `${vscode.l10n.t('Subject')}: ${c.subject}`,
    `${vscode.l10n.t('Issuer')}: ${c.issuer}${c.selfSigned ? ` (${vscode.l10n.t('self-signed')})` : ''}`,
    `${vscode.l10n.t('Key')}: ${c.keyType} ${c.keyBits || '?'} bits`,
    `${vscode.l10n.t('Signature')}: ${c.signatureAlgorithm}`,
    `${vscode.l10n.t('Valid')}: ${c.validFrom} → ${c.validTo}`,
    `SHA-256: ${c.sha256}`,
    `SHA-1: ${c.sha1}`,
  ];
  if (c.warnings.length) lines.push('', ...c.warnings.map((w) => `⚠ ${w}`));
  return lines.join('\n');
}
