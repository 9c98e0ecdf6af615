import * as vscode from 'vscode';
import type { MoRef } from '../../core/vsphere/decode';
import type { Inventory } from '../../core/vsphere/inventory';
import { log } from '../log';
import { ConnectionStore, hostOf } from './connections';
import { SessionManager } from './sessions';

export const DATASTORE_SCHEME = 'vsphere-ds';
const api = () => import('./vsphereApi');

/**
 * `vsphere-ds://<connection>/<datacenter path>/<datastore>/<path in datastore>`; the datacenter
 * path is one URI segment (percent-encoded), the rest follows the datastore's own folders.
 */
export interface DatastoreAddress {
  conn: string;
  datacenter: string;
  datastore: string;
  path: string;
}

export function parseDatastoreUri(uri: vscode.Uri): DatastoreAddress {
  const [dc, ds, ...rest] = uri.path.replace(/^\/+/, '').split('/');
  if (!uri.authority || !dc || !ds) throw vscode.FileSystemError.FileNotFound(uri);
  return { conn: uri.authority, datacenter: decodeURIComponent(dc), datastore: ds, path: rest.join('/') };
}

/** The URI of a `[datastore] path` that belongs to a VM's datacenter. */
export function datastoreUri(conn: string, inv: Inventory, vm: MoRef, dsPath: string): vscode.Uri | undefined {
  const m = /^\[([^\]]+)\]\s*(.*)$/.exec(dsPath.trim());
  if (!m) return undefined;
  const vmPath = inv.pathOf(vm);
  const dc = inv.datacenters.map((d) => inv.pathOf(d.ref)).find((p) => vmPath.startsWith(`${p}/`));
  if (!dc) return undefined;
  return vscode.Uri.from({ scheme: DATASTORE_SCHEME, authority: conn, path: `/${encodeURIComponent(dc.slice(1))}/${m[1]}/${m[2]}` });
}

export class DatastoreFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly stats = new Map<string, { at: number; stat: vscode.FileStat }>();
  private readonly datastores = new Map<string, Map<string, MoRef>>();

  constructor(private readonly store: ConnectionStore, private readonly sessions: SessionManager) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  private async datastoreRef(a: DatastoreAddress): Promise<MoRef> {
    let byName = this.datastores.get(a.conn);
    if (!byName) {
      const m = await api();
      const client = await this.sessions.client(a.conn);
      const list = await m.retrieve(client, 'Datastore', ['name']);
      byName = new Map(list.map((o) => [String(o.props.name), o.obj]));
      this.datastores.set(a.conn, byName);
    }
    const ref = byName.get(a.datastore);
    if (!ref) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('No datastore named {0}.', a.datastore));
    return ref;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const a = parseDatastoreUri(uri);
    if (!a.path) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const hit = this.stats.get(uri.toString());
    if (hit && Date.now() - hit.at < 2000) return hit.stat;
    const slash = a.path.lastIndexOf('/');
    const folder = slash >= 0 ? a.path.slice(0, slash) : '';
    const name = a.path.slice(slash + 1);
    const m = await api();
    const client = await this.sessions.client(a.conn);
    const listing = await m.listFolder(client, await this.datastoreRef(a), a.datastore, folder, { pattern: [name] }).catch(() => undefined);
    const entry = listing?.files.find((f) => f.path === name);
    let stat: vscode.FileStat;
    if (entry) {
      const mtime = entry.modification ? Date.parse(entry.modification) : Date.now();
      stat = {
        type: entry.type === 'FolderFileInfo' ? vscode.FileType.Directory : vscode.FileType.File,
        ctime: mtime, mtime, size: entry.size ?? 0,
      };
    } else {
      // Some servers list folders poorly; fall back to reading the file itself.
      const body = await this.read(a).catch(() => undefined);
      if (!body) throw vscode.FileSystemError.FileNotFound(uri);
      stat = { type: vscode.FileType.File, ctime: 0, mtime: 0, size: body.length };
    }
    this.stats.set(uri.toString(), { at: Date.now(), stat });
    return stat;
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const a = parseDatastoreUri(uri);
    const m = await api();
    const client = await this.sessions.client(a.conn);
    const listing = await m.listFolder(client, await this.datastoreRef(a), a.datastore, a.path);
    return listing.files.map((f) => [f.path, f.type === 'FolderFileInfo' ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  private async read(a: DatastoreAddress): Promise<Buffer> {
    const m = await api();
    const client = await this.sessions.client(a.conn);
    return client.withRelogin(() => m.readFile(client, { datacenter: a.datacenter, datastore: a.datastore, path: a.path }));
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const a = parseDatastoreUri(uri);
    try {
      return await this.read(a);
    } catch (e) {
      if (/\b404\b/.test(String((e as Error)?.message))) throw vscode.FileSystemError.FileNotFound(uri);
      throw e;
    }
  }

  /** The registered VM whose configuration file this is, if any. */
  private owningVm(a: DatastoreAddress): { name: string; powerState?: string } | undefined {
    const snap = this.sessions.snapshot(a.conn);
    const target = `[${a.datastore}] ${a.path}`;
    const vm = snap?.inventory.vms.find((v) => v.vmPathName === target);
    return vm && { name: vm.name, powerState: vm.powerState };
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const a = parseDatastoreUri(uri);
    if (/\.vmx$/i.test(a.path)) {
      // Check the live power state, not the cached tree: a VM may have been powered on since.
      const snapVm = this.owningVm(a);
      if (snapVm) {
        const m = await api();
        const client = await this.sessions.client(a.conn);
        const vm = this.sessions.snapshot(a.conn)?.inventory.vms.find((v) => v.vmPathName === `[${a.datastore}] ${a.path}`);
        const power = vm ? await m.retrieveProperty(client, vm.ref, 'runtime.powerState').catch(() => vm.powerState) : undefined;
        if (power === 'poweredOn' || power === 'suspended') {
          throw vscode.FileSystemError.NoPermissions(vscode.l10n.t(
            '{0} is {1}: the host owns its .vmx while it runs and would overwrite your change. Power the VM off, then save again.',
            snapVm.name, String(power)));
        }
      }
    }
    if (!options.overwrite) {
      const exists = await this.stat(uri).then(() => true, () => false);
      if (exists) throw vscode.FileSystemError.FileExists(uri);
    }
    const m = await api();
    const client = await this.sessions.client(a.conn);
    await client.withRelogin(() => m.uploadFile(client, { datacenter: a.datacenter, datastore: a.datastore, path: a.path }, Buffer.from(content)));
    this.stats.delete(uri.toString());
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    log().info(`saved [${a.datastore}] ${a.path} on ${hostOf(this.store.get(a.conn)?.url ?? a.conn)} (${content.length} bytes)`);
    if (/\.vmx$/i.test(a.path) && this.owningVm(a)) {
      void vscode.window.showInformationMessage(vscode.l10n.t(
        'Saved. The host reads a .vmx when the VM powers on; if it keeps the old settings, reload the VM on the host (vim-cmd vmsvc/reload) or remove it from the inventory and register it again.'));
    }
  }

  createDirectory(): never {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Creating folders on a datastore is not supported here.'));
  }

  delete(): never {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Deleting datastore files is not supported here: use the vSphere Client.'));
  }

  rename(): never {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Renaming datastore files is not supported here: use the vSphere Client.'));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
