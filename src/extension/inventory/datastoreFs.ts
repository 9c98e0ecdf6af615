import * as vscode from 'vscode';
import type { MoRef } from '../../core/vsphere/decode';
import type { Inventory } from '../../core/vsphere/inventory';
import type { VmxOwner } from '../../core/vsphere/search';
import { log } from '../log';
import { ConnectionStore, hostOf } from './connections';
import { SessionManager } from './sessions';
import { lazy } from '../../core/lazy';

export const DATASTORE_SCHEME = 'vsphere-ds';
const api = lazy(() => require('./vsphereApi') as typeof import('./vsphereApi'));

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
  // `.`, `..` and empty segments are refused here, before any request (the datastore root lists as '').
  if (ds === '.' || ds === '..' || (rest.length > 0 && !(rest.length === 1 && rest[0] === '') && rest.some((s) => s === '' || s === '.' || s === '..'))) {
    throw vscode.FileSystemError.FileNotFound(uri);
  }
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

/** The VM registered with this `.vmx`, looked up live on the server (undefined: none). */
export async function liveVmxOwner(sessions: SessionManager, a: DatastoreAddress): Promise<VmxOwner | undefined> {
  const m = await api();
  const client = await sessions.client(a.conn);
  return m.findVmxOwner(client, a.datacenter, `[${a.datastore}] ${a.path}`);
}

/** Why the `.vmx` of a running VM must not be written now, or undefined when it may be. */
export function activeVmRefusal(owner: VmxOwner | undefined, then: 'save' | 'retry' = 'save'): string | undefined {
  if (!owner || (owner.powerState !== 'poweredOn' && owner.powerState !== 'suspended')) return undefined;
  const state = owner.powerState === 'poweredOn' ? vscode.l10n.t('powered on') : vscode.l10n.t('suspended');
  return then === 'save'
    ? vscode.l10n.t('{0} is {1}: the host owns its .vmx while it runs and would overwrite your change. Power the VM off, then save again.', owner.name, state)
    : vscode.l10n.t('{0} is {1}: the host owns its .vmx while it runs and would overwrite your change. Power the VM off and try again.', owner.name, state);
}

/**
 * Refuses (as a FileSystemError, so VS Code keeps the editor dirty and shows the message) to
 * write the `.vmx` of a VM that is powered on or suspended now, or when that cannot be checked.
 */
async function checkVmxWritable(sessions: SessionManager, a: DatastoreAddress): Promise<VmxOwner | undefined> {
  let owner: VmxOwner | undefined;
  try {
    owner = await liveVmxOwner(sessions, a);
  } catch (e) {
    log().warn(`save of [${a.datastore}] ${a.path} refused: could not check its VM's power state: ${(e as Error).message}`);
    throw vscode.FileSystemError.Unavailable(vscode.l10n.t(
      'Not saved: could not check whether a running VM uses [{0}] {1} ({2}). Try again once the connection works.',
      a.datastore, a.path, (e as Error).message));
  }
  const refusal = activeVmRefusal(owner);
  if (refusal) {
    log().info(`save of [${a.datastore}] ${a.path} refused: ${owner!.name} is ${owner!.powerState}`);
    throw vscode.FileSystemError.NoPermissions(refusal);
  }
  return owner;
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
    // Names from the server are one segment each: a listed '', '.', '..' or 'a/b' is dropped.
    return listing.files
      .filter((f) => f.path !== '' && f.path !== '.' && f.path !== '..' && !f.path.includes('/') && !f.path.includes('\0'))
      .map((f) => [f.path, f.type === 'FolderFileInfo' ? vscode.FileType.Directory : vscode.FileType.File]);
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

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const a = parseDatastoreUri(uri);
    // A .vmx: ask the server now which VM owns it and whether it runs (never the cached tree,
    // which is empty after Disconnect or a refresh and stale after a power change elsewhere).
    const owner = /\.vmx$/i.test(a.path) ? await checkVmxWritable(this.sessions, a) : undefined;
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
    if (/\.vmx$/i.test(a.path)) {
      void vscode.window.showInformationMessage(owner
        ? vscode.l10n.t('Saved {0}. The host reads the .vmx when {1} powers on; if it keeps the old settings, reload the VM on the host (vim-cmd vmsvc/reload) or remove it from the inventory and register it again.', a.path.replace(/^.*\//, ''), owner.name)
        : vscode.l10n.t('Saved {0}. No registered VM uses this file: register it (vSphere Client: Register VM) to use it.', a.path.replace(/^.*\//, '')));
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
