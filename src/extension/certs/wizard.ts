/**
 * Host side of the certificate wizard: inspect → request → import & verify → files → deploy (ESX(i)
 * over SSH) or the vCenter checklist. The work is done by src/core/certs and src/core/esxi, loaded
 * lazily; this file keeps secrets where they belong:
 *
 * - the private key: SecretStorage `vsphereLab.certs.<host>.key`, or a file the user picked (mode 600);
 * - SSH passwords: SecretStorage `vsphereLab.certs.<sshHost>.sshPassword`, only when the user asks;
 * - not secret, in global state: the CSR and request form, the imported certificate and chain
 *   (`vsphereLab.certs.<host>`), pinned SSH host keys (`vsphereLab.certs.sshHostKeys`).
 *
 * The webview state holds only {host, port, conn, kind, step}; everything else is re-read on `load`.
 */
import { certsCore } from '../../core/certs/lazy';
import { writeFileAtomic } from '../../core/vmx/fsutil';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InventoryServices } from '../inventory/services';
import { hostOf } from '../inventory/connections';
import { log } from '../log';
import type { Handlers, PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import type {
  CaInstructionsView, CertWizardProtocol, CertWizardState, CheckView, DeployView, ImportView, PickedFile, RequestForm, RequestView, WizardSnapshot,
} from '../../webview/certs/protocol';
import type { CertificateInfo } from '../../core/certs/types';
import { uiStrings } from './strings';

const core = certsCore;

export const VIEW_TYPE = 'vsphereLab.certWizard';
const HOST_KEYS = 'vsphereLab.certs.sshHostKeys';

/** `host` or `host:port` (443 left out): the `<host>` of the storage keys. */
export function hostId(host: string, port: number): string {
  return port === 443 ? host : `${host}:${port}`;
}
export const keySecret = (id: string): string => `vsphereLab.certs.${id}.key`;
const passwordSecret = (sshHost: string): string => `vsphereLab.certs.${sshHost}.sshPassword`;
const savedKey = (id: string): string => `vsphereLab.certs.${id}`;

interface SavedRequest {
  form: RequestForm;
  csrPem: string;
  subject: string;
  bits: number;
  keyLocation: { kind: 'secret' } | { kind: 'file'; path: string };
  createdAt: string;
  template: string;
}
interface SavedImport {
  certName: string;
  certPem: string;
  chainNames: string[];
  chainPems: string[];
}
interface Saved {
  request?: SavedRequest;
  imported?: SavedImport;
  ssh?: { sshHost: string; sshPort: number; user: string };
}

export function isWizardState(s: unknown): s is CertWizardState {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  return typeof o.host === 'string' && typeof o.port === 'number' && (o.kind === 'esx' || o.kind === 'vcenter') && typeof o.step === 'number';
}

class CancelledError extends Error {
  constructor() {
    super(vscode.l10n.t('Cancelled.'));
    this.name = 'Cancelled';
  }
}

/** Bytes of a picked file or pasted text. */
function bytesOf(f: PickedFile | { name: string; text: string }): Buffer {
  return 'base64' in f ? Buffer.from(f.base64, 'base64') : Buffer.from(f.text, 'utf8');
}

/** Key and certificate files: the mode we set (0600 for keys) holds even over an existing file. */
async function writeAtomic(file: string, data: string | Buffer, mode: number): Promise<void> {
  await writeFileAtomic(file, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { mode, enforceMode: true });
}

export function certWizardDefinition(context: vscode.ExtensionContext, inventory: InventoryServices): PanelDefinition<CertWizardProtocol, CertWizardState> {
  const state = context.globalState;
  const secrets = context.secrets;
  const readSaved = (s: CertWizardState): Saved => state.get<Saved>(savedKey(hostId(s.host, s.port))) ?? {};
  const writeSaved = async (s: CertWizardState, patch: Partial<Saved>): Promise<void> => {
    await state.update(savedKey(hostId(s.host, s.port)), { ...readSaved(s), ...patch });
  };
  const hostKeys = (): Record<string, string> => state.get<Record<string, string>>(HOST_KEYS) ?? {};

  /** The private key PEM, from SecretStorage or the chosen file; undefined when gone. */
  const readKey = async (s: CertWizardState, req: SavedRequest | undefined): Promise<string | undefined> => {
    if (!req) return undefined;
    if (req.keyLocation.kind === 'secret') return secrets.get(keySecret(hostId(s.host, s.port)));
    try {
      return await fsp.readFile(req.keyLocation.path, 'utf8');
    } catch {
      return undefined;
    }
  };

  const instructionsView = (template: string, form: RequestForm | undefined): CaInstructionsView => {
    const { microsoftCaInstructions, splitSans } = core.request();
    let san: { dns: string[]; ip: string[] } | undefined;
    try { san = form ? splitSans(form.sans) : undefined; } catch { san = undefined; }
    const ms = microsoftCaInstructions({ template: template.trim() || 'WebServer', ...(san ? { sanAttribute: san } : {}) });
    return { template: template.trim() || 'WebServer', submitCommand: ms.submitCommand, ...(ms.submitWithSanCommand ? { submitWithSanCommand: ms.submitWithSanCommand } : {}), webEnrollmentSteps: ms.webEnrollmentSteps, pendingSteps: ms.pendingSteps, notes: ms.notes };
  };

  const requestView = async (s: CertWizardState, req: SavedRequest): Promise<RequestView> => ({
    form: req.form, csrPem: req.csrPem, subject: req.subject, bits: req.bits, keyLocation: req.keyLocation,
    keyAvailable: (await readKey(s, req)) !== undefined, createdAt: req.createdAt,
    instructions: instructionsView(req.template, req.form),
  });

  const strings = uiStrings();
  const checkTitle = (id: string): string => strings[`check.${id}`] ?? id;

  const verifyImport = async (s: CertWizardState, imp: SavedImport): Promise<ImportView> => {
    const saved = readSaved(s);
    const key = await readKey(s, saved.request);
    const hostnames = saved.request?.form.sans.length ? [...saved.request.form.sans] : [s.host];
    try {
      const r = core.verify().verifyIssued({ cert: imp.certPem, chain: imp.chainPems, ...(key ? { key } : {}), hostnames });
      const checks: CheckView[] = r.checks.map((c) => ({ id: c.id, title: checkTitle(c.id), status: c.status, message: c.message, details: c.details }));
      if (!key) {
        const i = checks.findIndex((c) => c.id === 'key-match');
        const missing: CheckView = { id: 'key-match', title: checkTitle('key-match'), status: 'fail', message: strings.keyMissing, details: [] };
        if (i >= 0) checks[i] = missing; else checks.unshift(missing);
      }
      return {
        ok: r.ok && !!key, certName: imp.certName, chainNames: imp.chainNames,
        subject: r.leaf.subject.text, issuer: r.leaf.issuer.text, notBefore: r.leaf.notBefore, notAfter: r.leaf.notAfter,
        sha256: r.leaf.sha256Thumbprint, sha1: r.leaf.sha1Thumbprint,
        path: r.path.map((c) => c.subject.commonName ?? c.subject.text), checks,
      };
    } catch (e) {
      return { ok: false, certName: imp.certName, chainNames: imp.chainNames, subject: '', issuer: '', notBefore: '', notAfter: '', sha256: '', sha1: '', path: [], checks: [], error: (e as Error).message };
    }
  };

  /** The inventory connection whose endpoint is this host:port, if any. */
  const connectionFor = (s: CertWizardState): string | undefined => {
    const matches = (url: string): boolean => {
      try {
        const u = new URL(url);
        return u.hostname.replace(/^\[|\]$/g, '') === s.host && (u.port ? Number(u.port) : 443) === s.port;
      } catch {
        return false;
      }
    };
    if (s.conn) {
      const c = inventory.store.get(s.conn);
      if (c && matches(c.url)) return c.id;
    }
    return inventory.store.list().find((c) => matches(c.url))?.id;
  };

  /** Request form for the host; with the served certificate, its CN when the address is an IP, and its O/OU/L/ST/C. */
  const defaults = (s: CertWizardState, leaf?: CertificateInfo): RequestForm => {
    const { suggestSans } = core.request();
    const { isIpAddress } = require('../../core/certs/hostname') as typeof import('../../core/certs/hostname'); // eslint-disable-line @typescript-eslint/no-require-imports
    const cn = !isIpAddress(s.host) ? s.host : (leaf?.subject.commonName ?? s.host);
    const sans = suggestSans(cn, isIpAddress(s.host) ? s.host : undefined);
    const attr = (n: string): string | undefined => leaf?.subject.attributes.find((a) => a.name === n)?.value;
    return { bits: 2048, cn, sans, ...(attr('O') ? { o: attr('O') } : {}), ...(attr('OU') ? { ou: attr('OU') } : {}), ...(attr('L') ? { l: attr('L') } : {}), ...(attr('ST') ? { st: attr('ST') } : {}), ...(attr('C') ? { c: attr('C') } : {}) };
  };

  return {
    viewType: VIEW_TYPE,
    bundle: 'certs',
    key: (s) => hostId(s.host, s.port),
    title: (s) => vscode.l10n.t('Certificate: {0}', hostId(s.host, s.port)),
    controller(panel: PanelHost<CertWizardProtocol, CertWizardState>): PanelController<CertWizardProtocol> {
      const st = (): CertWizardState => panel.state;
      let pfxPassword = core.files().VCENTER_PFX_PASSWORD;
      const handlers: Handlers<CertWizardProtocol> = {
        async load() {
          const s = st();
          const saved = readSaved(s);
          const conn = connectionFor(s);
          const c = conn ? inventory.store.get(conn) : undefined;
          const hosts = conn ? (inventory.sessions.snapshot(conn)?.inventory.hosts.map((h) => h.name) ?? []) : [];
          const sshHost = saved.ssh?.sshHost ?? s.host;
          const sshPort = saved.ssh?.sshPort ?? 22;
          const snapshot: WizardSnapshot = {
            state: { ...s, ...(conn ? { conn } : {}) },
            label: hostId(s.host, s.port),
            ...(c ? { connectionLabel: c.label ?? hostOf(c.url) } : {}),
            strings,
            defaults: saved.request?.form ?? defaults(s),
            ...(saved.request ? { request: await requestView(s, saved.request) } : {}),
            ...(saved.imported ? { imported: await verifyImport(s, saved.imported) } : {}),
            ssh: {
              sshHost, sshPort, user: saved.ssh?.user ?? 'root',
              passwordStored: (await secrets.get(passwordSecret(sshHost))) !== undefined,
              ...(hostKeys()[`${sshHost}:${sshPort}`] ? { pinnedHostKey: hostKeys()[`${sshHost}:${sshPort}`] } : {}),
            },
            checklist: core.files().vcenterChecklist({ hosts }),
            pfxPassword,
          };
          return snapshot;
        },

        async setStep({ step }) {
          if (Number.isInteger(step) && step >= 1 && step <= 5) panel.setState({ ...st(), step });
        },

        async setKind({ kind }) {
          if (kind === 'esx' || kind === 'vcenter') panel.setState({ ...st(), kind });
        },

        async inspect(_p, signal) {
          const s = st();
          // The chain imported in step 3 names the user's own CA: a host signed by it is not "untrusted".
          const privateRoots = readSaved(s).imported?.chainPems ?? [];
          const r = await core.inspect().inspectEndpoint(s.host, s.port, { timeoutMs: 15_000, signal, privateRoots });
          return { ...r, worst: core.analyse().worstSeverity(r.findings), suggested: defaults(s, r.chain[0]) };
        },

        async generate({ form, template, store, keyFile, replace }, signal) {
          const s = st();
          const id = hostId(s.host, s.port);
          const saved = readSaved(s);
          if (saved.request && (await readKey(s, saved.request)) !== undefined && replace !== true) {
            const yes = vscode.l10n.t('Replace the Key');
            const answer = await vscode.window.showWarningMessage(
              vscode.l10n.t('A private key for {0} already exists. A new key makes any certificate issued for the old CSR useless.', id),
              { modal: true }, yes);
            if (answer !== yes) throw new CancelledError();
          }
          let keyPath: string | undefined;
          if (store === 'file') {
            keyPath = keyFile;
            if (!keyPath) {
              const uri = await vscode.window.showSaveDialog({
                title: vscode.l10n.t('Save the private key for {0}', id),
                defaultUri: vscode.Uri.file(path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.env.HOME ?? '/', `${s.host}-rui.key`)),
                filters: { [vscode.l10n.t('Private key')]: ['key', 'pem'] },
              });
              if (!uri) throw new CancelledError();
              keyPath = uri.fsPath;
            }
          }
          const generated = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating a {0}-bit RSA key and CSR for {1}…', String(form.bits), id) }, () =>
            core.request().createRequest({ ...form, bits: form.bits, sans: [...form.sans] }));
          if (signal.aborted) throw new CancelledError();
          if (keyPath) {
            await writeAtomic(keyPath, generated.keyPkcs1Pem, 0o600);
            await secrets.delete(keySecret(id));
          } else {
            await secrets.store(keySecret(id), generated.keyPkcs1Pem);
          }
          const req: SavedRequest = {
            form: { ...form, sans: [...generated.sans.dns, ...generated.sans.ip] },
            csrPem: generated.csrPem, subject: generated.subject, bits: generated.bits,
            keyLocation: keyPath ? { kind: 'file', path: keyPath } : { kind: 'secret' },
            createdAt: new Date().toISOString(), template: template?.trim() || saved.request?.template || 'WebServer',
          };
          // A new key invalidates what was imported for the old one.
          await writeSaved(s, { request: req, imported: undefined });
          log().info(`certificate wizard: new ${generated.bits}-bit key and CSR for ${id} (key ${keyPath ? `in ${keyPath}` : 'in secret storage'})`);
          return requestView(s, req);
        },

        async instructions({ template }) {
          const s = st();
          const saved = readSaved(s);
          if (saved.request) await writeSaved(s, { request: { ...saved.request, template: template.trim() || 'WebServer' } });
          return instructionsView(template, saved.request?.form);
        },

        async copy({ text }) {
          await vscode.env.clipboard.writeText(text);
        },

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
          const s = st();
          const { readCertificates, toPem } = core.x509();
          let imp: SavedImport;
          try {
            const certPem = readCertificates(bytesOf(cert)).map((d) => toPem(d)).join('');
            const chainPems = chain.map((c) => readCertificates(bytesOf(c)).map((d) => toPem(d)).join(''));
            imp = { certName: cert.name, certPem, chainNames: chain.map((c) => c.name), chainPems };
          } catch (e) {
            return { ok: false, certName: cert.name, chainNames: chain.map((c) => c.name), subject: '', issuer: '', notBefore: '', notAfter: '', sha256: '', sha1: '', path: [], checks: [], error: (e as Error).message };
          }
          await writeSaved(s, { imported: imp });
          return verifyImport(s, imp);
        },

        async writeFiles({ folder, pfxPassword: pw, overwrite }) {
          const s = st();
          const saved = readSaved(s);
          const key = await readKey(s, saved.request);
          if (!saved.imported) throw new Error(strings.needImport);
          if (!key) throw new Error(strings.keyMissing);
          let dir = folder;
          if (!dir) {
            const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Write Here'), title: vscode.l10n.t('Folder for the certificate files of {0}', hostId(s.host, s.port)) });
            if (!picked?.[0]) return undefined;
            dir = picked[0].fsPath;
          }
          if (pw !== undefined && pw !== '') pfxPassword = pw;
          const f = core.files();
          const set = { cert: saved.imported.certPem, key, chain: saved.imported.chainPems };
          const groups = [
            { sub: 'esx', files: f.buildEsxFiles(set) },
            { sub: 'vcenter', files: f.buildVcenterFiles({ ...set, password: pfxPassword }) },
          ];
          const targets = groups.flatMap((g) => g.files.map((file) => ({ ...file, abs: path.join(dir, g.sub, file.name) })));
          const existing = (await Promise.all(targets.map(async (t) => ((await fsp.stat(t.abs).catch(() => undefined)) ? t.abs : undefined)))).filter((x): x is string => !!x);
          if (existing.length && overwrite !== true) {
            const yes = vscode.l10n.t('Overwrite');
            const answer = overwrite === false ? undefined : await vscode.window.showWarningMessage(
              vscode.l10n.t('{0} file(s) already exist in {1} and would be replaced.', String(existing.length), dir), { modal: true, detail: existing.join('\n') }, yes);
            if (answer !== yes) throw new CancelledError();
          }
          for (const g of groups) await fsp.mkdir(path.join(dir, g.sub), { recursive: true });
          for (const t of targets) await writeAtomic(t.abs, t.contents, t.mode);
          log().info(`certificate wizard: wrote ${targets.length} files for ${hostId(s.host, s.port)} to ${dir}`);
          return { folder: dir, files: targets.map((t) => ({ path: t.abs, description: t.description })) };
        },

        async hostKey({ sshHost, sshPort }, signal) {
          const { SshSession, UnknownHostKeyError } = core.ssh();
          let fingerprint: string | undefined;
          let keyType: string | undefined;
          try {
            // Never logs in: the key is refused on purpose once seen.
            const sess = await SshSession.connect({ host: sshHost, port: sshPort, username: 'root', signal, trustUnknownHostKey: () => false });
            sess.close();
          } catch (e) {
            if (!(e instanceof UnknownHostKeyError)) throw e;
            fingerprint = e.fingerprint;
            keyType = e.keyType;
          }
          if (!fingerprint) throw new Error(vscode.l10n.t('{0}:{1} did not present an SSH host key.', sshHost, String(sshPort)));
          const pinned = hostKeys()[`${sshHost}:${sshPort}`];
          return { sshHost, sshPort, fingerprint, ...(keyType ? { keyType } : {}), ...(pinned ? { pinned } : {}), status: !pinned ? 'unknown' : pinned === fingerprint ? 'pinned' : 'changed' };
        },

        async pinHostKey({ sshHost, sshPort, fingerprint }) {
          const fp = core.ssh().normaliseFingerprint(fingerprint);
          await state.update(HOST_KEYS, { ...hostKeys(), [`${sshHost}:${sshPort}`]: fp });
          log().info(`certificate wizard: pinned SSH host key of ${sshHost}:${sshPort} ${fp}`);
        },

        async forgetPassword({ sshHost }) {
          await secrets.delete(passwordSecret(sshHost));
        },

        async deploy({ sshHost, sshPort, user, password, savePassword, hostKey, confirm }, signal) {
          const s = st();
          const id = hostId(s.host, s.port);
          const saved = readSaved(s);
          const key = await readKey(s, saved.request);
          if (!saved.imported) throw new Error(strings.needImport);
          if (!key) throw new Error(strings.keyMissing);
          const pinned = hostKey ?? hostKeys()[`${sshHost}:${sshPort}`];
          if (!pinned) throw new Error(vscode.l10n.t('The SSH host key of {0}:{1} is not pinned yet: check it and pin it first.', sshHost, String(sshPort)));
          const pw = password || (await secrets.get(passwordSecret(sshHost)));
          if (!pw) throw new Error(vscode.l10n.t('Enter the SSH password of {0}.', user));
          if (confirm !== false) {
            const yes = vscode.l10n.t('Deploy and Restart');
            const answer = await vscode.window.showWarningMessage(
              vscode.l10n.t('Replace the certificate of {0} and restart its management agent?', id),
              { modal: true, detail: vscode.l10n.t('hostd restarts: open vSphere Client sessions to this host drop; running VMs are not affected. The current files are backed up first and restored if anything fails.') }, yes);
            if (answer !== yes) return undefined;
          }
          await writeSaved(s, { ssh: { sshHost, sshPort, user } });
          if (savePassword && password) await secrets.store(passwordSecret(sshHost), password);
          const result = await vscode.window.withProgress({
            location: vscode.ProgressLocation.Notification, cancellable: true,
            title: vscode.l10n.t('Replacing the certificate of {0}', id),
          }, (progress, progressToken) => {
            const ac = new AbortController();
            progressToken.onCancellationRequested(() => ac.abort());
            signal.addEventListener('abort', () => ac.abort(), { once: true });
            return core.deploy().deployEsxCertificate({
              host: s.host, port: s.port,
              ssh: { host: sshHost, port: sshPort, username: user, password: pw, hostKey: pinned },
              cert: saved.imported!.certPem, key, chain: saved.imported!.chainPems,
              signal: ac.signal,
              onStep: (step) => {
                if (step.status === 'running') progress.report({ message: step.title });
                void panel.post('deployStep', { id: step.id, phase: step.phase, title: step.title, status: step.status, ...(step.detail ? { detail: step.detail } : {}), ...(step.ms !== undefined ? { ms: step.ms } : {}) });
                if (step.status === 'failed') log().warn(`certificate deploy ${id}: ${step.phase}/${step.id} failed: ${step.detail ?? ''}`);
              },
            });
          });
          let connectionPinUpdated = false;
          const conn = connectionFor(s);
          if (result.ok && conn) {
            await inventory.store.update(conn, { thumbprintSha256: result.newSha256 });
            await inventory.sessions.reset(conn);
            inventory.provider.refresh(inventory.provider.connectionNode(conn));
            connectionPinUpdated = true;
            log().info(`certificate wizard: ${id} serves ${result.newSha256}; connection pin updated`);
          }
          const view: DeployView = {
            ok: result.ok, rolledBack: result.rolledBack,
            ...(result.previousCertServed !== undefined ? { previousCertServed: result.previousCertServed } : {}),
            newSha256: result.newSha256,
            ...(result.liveSha256 ? { liveSha256: result.liveSha256 } : {}),
            ...(result.previousSha256 ? { previousSha256: result.previousSha256 } : {}),
            ...(result.error ? { error: result.error } : {}),
            steps: result.steps.map((x) => ({ id: x.id, phase: x.phase, title: x.title, status: x.status, ...(x.detail ? { detail: x.detail } : {}), ...(x.ms !== undefined ? { ms: x.ms } : {}) })),
            connectionPinUpdated,
          };
          if (!result.ok) void vscode.window.showErrorMessage(result.error ?? strings.deployFailed);
          return view;
        },
      };
      return { handlers };
    },
  };
}
