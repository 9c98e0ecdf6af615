/**
 * Rotation from the Certificates board: the hosts selected on the board → a CSR each (on the host
 * where its route makes one, else a local key + CSR whose key waits in SecretStorage until its
 * certificate comes back) → the signed certificates imported as files or a folder, matched to the
 * hosts by their SANs → one run of core `rotateCertificates` (deploy host by host through the
 * route of each host's generation, each proven live or rolled back on its own).
 */
import * as vscode from 'vscode';
import { certsCore } from '../../core/certs/lazy';
import type { ImportedFile, RotationHost } from '../../core/certs/rotate';
import { LabError } from '../../core/errors';
import { formatEndpoint, parseEndpoint } from '../../core/net/endpoint';
import type { VimClient } from '../../core/vsphere/client';
import type { CertBoardState, HostRotation, RequestSummary, RotationSummary } from '../../webview/certBoard/protocol';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import type { CertificateExpiry } from './badges';
import { boardDeployer, onHostCsr } from './routes';

/** Bounds of an import: what a folder of certificates may hold. */
const MAX_FILES = 200;
const MAX_FILE_BYTES = 1 << 20;

export interface BoardRunContext {
  /** The board's panel: its connection and the extension context (SecretStorage). */
  readonly host: { readonly state: CertBoardState; readonly context: vscode.ExtensionContext };
  readonly inventory: InventoryServices;
  readonly expiry: CertificateExpiry;
  readonly hostIds: readonly string[];
  readonly signal?: AbortSignal;
}

/** SecretStorage key of a local private key waiting for its certificate. */
export function pendingKeyName(conn: string, hostId: string): string {
  return `vsphereLab.certificates.pendingKey:${conn}:${hostId}`;
}

/** The selected hosts as rotation targets: address and generation as the connection reports them now. */
export async function rotationHosts(ctx: BoardRunContext, client: VimClient): Promise<RotationHost[]> {
  const facts = await certsCore.expiry().listCertificateHosts(client, ctx.signal);
  return ctx.hostIds.map((id) => {
    const f = facts.find((x) => x.ref.value === id);
    if (!f?.endpoint) throw new LabError('invalidArgument', vscode.l10n.t('{0} has no address the board could read; refresh the board and select hosts with a certificate shown.', f?.name ?? id));
    return { id, name: f.name, endpoint: f.endpoint, ...(f.generation ? { generation: f.generation } : {}) };
  });
}

function fileName(name: string, ext: string): string {
  return `${name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'host'}.${ext}`;
}

export async function requestCsrsFromBoard(ctx: BoardRunContext & { target?: string }): Promise<RequestSummary> {
  const conn = ctx.host.state.conn;
  const client = await ctx.inventory.sessions.client(conn);
  const hosts = await rotationHosts(ctx, client);
  const folder = ctx.target ? vscode.Uri.parse(ctx.target) : (await vscode.window.showOpenDialog({
    canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: vscode.l10n.t('Save CSRs Here'),
    title: vscode.l10n.t('Folder for the certificate signing requests'),
  }))?.[0];
  if (!folder) return { hosts: [] };
  const results = await certsCore.rotate().requestCertificates({
    hosts, ...(ctx.signal ? { signal: ctx.signal } : {}),
    requestOnHost: onHostCsr({ client, conn, context: ctx.host.context }),
  });
  const out: RequestSummary['hosts'] = [];
  for (const r of results) {
    if (r.error) { out.push({ id: r.hostId, name: r.name, error: r.error.message }); continue; }
    const file = vscode.Uri.joinPath(folder, fileName(r.name, 'csr'));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(r.csrPem));
    if (r.keyPem) await ctx.host.context.secrets.store(pendingKeyName(conn, r.hostId), r.keyPem);
    out.push({ id: r.hostId, name: r.name, mode: r.mode, file: file.scheme === 'file' ? file.fsPath : file.toString() });
  }
  log().info(`certificates: ${out.filter((h) => h.file).length} CSR(s) written to ${folder.toString(true)}`);
  return { folder: folder.scheme === 'file' ? folder.fsPath : folder.toString(), hosts: out };
}

/**
 * A rotated host that is the connection's own endpoint (a direct ESXi connection) now serves the
 * certificate the user imported and the run proved live: the connection's pin follows it and the
 * session logs in again on its next use, so it does not stop at "certificate changed".
 */
async function followPin(inventory: InventoryServices, conn: string, hosts: readonly HostRotation[]): Promise<void> {
  const saved = inventory.store.get(conn);
  const own = saved?.thumbprintSha256 ? parseEndpoint(saved.url, 443) : undefined;
  const self = own && hosts.find((h) => h.status === 'new' && h.liveSha256 && h.endpoint === formatEndpoint(own));
  if (!self?.liveSha256) return;
  await inventory.store.update(conn, { thumbprintSha256: self.liveSha256 });
  await inventory.sessions.reset(conn); // the open session still pins the old one: log in again on next use
  log().info(`certificates: ${conn} now pins ${self.liveSha256}, the certificate the rotation put in service`);
}

/** Every file under the chosen files and folders (one level deep), bounded in number and size. */
async function readImport(uris: readonly vscode.Uri[]): Promise<ImportedFile[]> {
  const files: vscode.Uri[] = [];
  for (const u of uris) {
    const st = await vscode.workspace.fs.stat(u);
    if (st.type & vscode.FileType.Directory) {
      for (const [name, type] of await vscode.workspace.fs.readDirectory(u)) if (type & vscode.FileType.File) files.push(vscode.Uri.joinPath(u, name));
    } else files.push(u);
  }
  if (files.length > MAX_FILES) throw new LabError('tooLarge', vscode.l10n.t('{0} files to import; pick at most {1} (the signed certificates and the CA chain).', String(files.length), String(MAX_FILES)));
  const out: ImportedFile[] = [];
  for (const f of files) {
    const st = await vscode.workspace.fs.stat(f);
    if (st.size > MAX_FILE_BYTES) continue; // not a certificate file
    out.push({ name: f.path.split('/').pop() ?? f.path, bytes: await vscode.workspace.fs.readFile(f) });
  }
  return out;
}

export async function rotateFromBoard(ctx: BoardRunContext & { sources?: readonly string[]; concurrency?: number; onHost?: (h: HostRotation) => void }): Promise<RotationSummary> {
  const conn = ctx.host.state.conn;
  const client = await ctx.inventory.sessions.client(conn);
  const hosts = await rotationHosts(ctx, client);
  const picked = ctx.sources?.map((s) => vscode.Uri.parse(s)) ?? await vscode.window.showOpenDialog({
    canSelectFiles: true, canSelectFolders: true, canSelectMany: true, openLabel: vscode.l10n.t('Import and Rotate'),
    title: vscode.l10n.t('The signed certificates (files or a folder), with the CA chain'),
  });
  if (!picked?.length) return { cancelled: true, hosts: [], unmatched: [], missing: [] };
  const rotate = certsCore.rotate();
  const matched = rotate.matchCertificates(hosts, await readImport(picked));
  const keys = new Map<string, string>();
  for (const m of matched.matches) {
    const k = await ctx.host.context.secrets.get(pendingKeyName(conn, m.hostId));
    if (k) keys.set(m.hostId, k);
  }
  const result = await rotate.rotateCertificates({
    hosts, matches: matched.matches, keys, concurrency: ctx.concurrency ?? 2,
    deploy: boardDeployer({ client, conn, context: ctx.host.context }),
    ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.onHost ? { onHost: ctx.onHost } : {}),
  });
  for (const h of result.hosts) if (h.status === 'new') await ctx.host.context.secrets.delete(pendingKeyName(conn, h.id));
  await followPin(ctx.inventory, conn, result.hosts);
  log().info(`certificates: rotation on ${conn}: ${result.counts.new} new, ${result.counts.old} old, ${result.counts.other + result.counts.failed} failed, ${result.counts.skipped} skipped`);
  return { hosts: [...result.hosts], unmatched: [...matched.unmatched], missing: matched.missing.map((id) => hosts.find((h) => h.id === id)?.name ?? id) };
}
