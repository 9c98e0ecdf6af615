/** Step 3: the certificate the CA returned (and its chain), checked against the stored key and the host names. */
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { certsCore as core } from '../../../core/certs/lazy';
import type { CertWizardState, CheckView, ImportView } from '../../../webview/certs/protocol';
import type { VerifyResult } from '../../../core/certs/verify';
import { bytesOf, type SavedImport } from '../store';
import type { StepHandlers, WizardContext } from './context';

/** An import that could not be read: no checks, the reason. */
function unreadable(certName: string, chainNames: readonly string[], error: string): ImportView {
  return { ok: false, certName, chainNames, subject: '', issuer: '', notBefore: '', notAfter: '', sha256: '', sha1: '', path: [], checks: [], error };
}

function viewOf(r: VerifyResult, imp: SavedImport, checks: CheckView[]): ImportView {
  return {
    ok: r.ok, certName: imp.certName, chainNames: imp.chainNames,
    subject: r.leaf.subject.text, issuer: r.leaf.issuer.text, notBefore: r.leaf.notBefore, notAfter: r.leaf.notAfter,
    sha256: r.leaf.sha256Thumbprint, sha1: r.leaf.sha1Thumbprint,
    path: r.path.map((c) => c.subject.commonName ?? c.subject.text), checks,
  };
}

/** Runs the checks of core verifyIssued on an import; a missing key fails the key-match check. */
export async function verifyImport(ctx: WizardContext, s: CertWizardState, imp: SavedImport): Promise<ImportView> {
  const { strings } = ctx;
  const checkTitle = (id: string): string => strings[`check.${id}`] ?? id;
  const saved = ctx.store.read(s);
  const key = await ctx.store.readKey(s, saved.request);
  const hostnames = saved.request?.form.sans.length ? [...saved.request.form.sans] : [s.host];
  try {
    const r = core.verify().verifyIssued({ cert: imp.certPem, chain: imp.chainPems, ...(key ? { key } : {}), hostnames });
    const checks: CheckView[] = r.checks.map((c) => ({ id: c.id, title: checkTitle(c.id), status: c.status, message: c.message, details: c.details }));
    const onHost = saved.request?.keyLocation.kind === 'host';
    if (onHost) {
      // The key is on the host: the certificate must carry the public key of the host's CSR.
      const same = new X509Certificate(imp.certPem).publicKey.export({ type: 'spki', format: 'der' }).equals(core.request().requestPublicKeyDer(saved.request!.csrPem));
      const i = checks.findIndex((c) => c.id === 'key-match');
      const view: CheckView = { id: 'key-match', title: checkTitle('key-match'), status: same ? 'pass' : 'fail', message: same ? strings.keyOnHostMatch : strings.keyOnHostMismatch, details: [] };
      if (i >= 0) checks[i] = view; else checks.unshift(view);
      return { ...viewOf(r, imp, checks), ok: r.checks.every((c) => c.id === 'key-match' || c.status !== 'fail') && same };
    }
    if (!key) {
      const i = checks.findIndex((c) => c.id === 'key-match');
      const missing: CheckView = { id: 'key-match', title: checkTitle('key-match'), status: 'fail', message: strings.keyMissing, details: [] };
      if (i >= 0) checks[i] = missing; else checks.unshift(missing);
    }
    return { ...viewOf(r, imp, checks), ok: r.ok && !!key };
  } catch (e) {
    return unreadable(imp.certName, imp.chainNames, (e as Error).message);
  }
}

export function importHandlers(ctx: WizardContext): StepHandlers<'pickFile' | 'verify'> {
  return {
    async pickFile({ purpose }) {
      const uris = await vscode.window.showOpenDialog({
        title: purpose === 'cert' ? vscode.l10n.t('The signed certificate (or the .p7b from the CA)') : vscode.l10n.t('CA certificates'),
        canSelectMany: purpose === 'chain',
        filters: { [vscode.l10n.t('Certificates')]: ['crt', 'cer', 'pem', 'der', 'p7b', 'p7c'], [vscode.l10n.t('All files')]: ['*'] },
      });
      if (!uris) return [];
      return Promise.all(uris.map(async (u) => ({ name: path.basename(u.fsPath), base64: Buffer.from(await vscode.workspace.fs.readFile(u)).toString('base64') })));
    },

    async verify({ cert, chain }) {
      const s = ctx.panel.state;
      const { readCertificates, toPem } = core.x509();
      const pemOf = (f: Parameters<typeof bytesOf>[0]): string => readCertificates(bytesOf(f)).map((d) => toPem(d)).join('');
      let imp: SavedImport;
      try {
        imp = { certName: cert.name, certPem: pemOf(cert), chainNames: chain.map((c) => c.name), chainPems: chain.map(pemOf) };
      } catch (e) {
        return unreadable(cert.name, chain.map((c) => c.name), (e as Error).message);
      }
      await ctx.store.write(s, { imported: imp });
      return verifyImport(ctx, s, imp);
    },
  };
}
