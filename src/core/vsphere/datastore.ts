/**
 * Datastore files over HTTPS (`/folder/PATH?dcPath=DC&dsName=DS` with the session cookie), streamed
 * and cancellable, and directory listing with HostDatastoreBrowser.SearchDatastore_Task.
 */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { VimClient } from './client';
import { asArray, asMoRef, asNumber, asObject, asString, type MoRef } from './decode';
import { HttpStatusError, ResponseTooLargeError, VsphereError } from './errors';
import { retrieveProperty } from './property';
import { runTask, type WaitOptions } from './tasks';

export interface DatastoreLocation {
  /** Datacenter inventory path, e.g. `DC0` or `Folder/DC1`. */
  datacenter: string;
  /** Datastore name, e.g. `LocalDS_0`. */
  datastore: string;
  /** Path inside the datastore, e.g. `vm1/vm1.vmx`. */
  path: string;
}

/**
 * The segments of a path inside a datastore; refuses `.`, `..` and empty segments (`a//b`, a trailing
 * `/`) and NUL, wherever the path came from (the editor's URI or a name the server listed).
 */
export function datastorePathSegments(path: string): string[] {
  const segments = path.replace(/^\/+/, '').split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || s.includes('\0')) {
      throw new VsphereError('badPath', `"${path.slice(0, 200)}" is not a file path inside a datastore: empty, "." and ".." segments are refused.`);
    }
  }
  return segments;
}

export function datastoreFileUrlPath(loc: DatastoreLocation): string {
  const p = datastorePathSegments(loc.path).map(encodeURIComponent).join('/');
  const q = new URLSearchParams({ dcPath: loc.datacenter, dsName: loc.datastore });
  return `/folder/${p}?${q.toString()}`;
}

/** `[ds] path` notation. */
export function datastorePath(datastore: string, path: string): string {
  return `[${datastore}] ${path.replace(/^\/+/, '')}`;
}

/** Parses `[ds] dir/file.vmx` into its parts. */
export function parseDatastorePath(p: string): { datastore: string; path: string } | undefined {
  const m = /^\[([^\]]+)\]\s*(.*)$/.exec(p.trim());
  return m ? { datastore: m[1], path: m[2] } : undefined;
}

function hint(status: number, loc: DatastoreLocation): string {
  if (status === 404) return `Check that ${datastorePath(loc.datastore, loc.path)} exists in datacenter ${loc.datacenter}.`;
  if (status === 401 || status === 403) return 'The session may have expired or lacks Datastore.Browse/FileManagement; reconnect or ask for the privilege.';
  return 'Retry; if it persists check the server logs.';
}

/**
 * Streams a datastore file into `dest`. Returns the number of bytes written. `timeoutMs` is a
 * wall-clock deadline for the whole transfer (the client's timeout by default); `maxBytes`, when
 * given, stops the transfer once the file proves larger (a declared Content-Length is checked first).
 */
export async function downloadFile(client: VimClient, loc: DatastoreLocation, dest: Writable, opts: { signal?: AbortSignal; timeoutMs?: number; maxBytes?: number } = {}): Promise<number> {
  const what = `Download of ${datastorePath(loc.datastore, loc.path)}`;
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const r = client.startRequest({ method: 'GET', path: datastoreFileUrlPath(loc), what, signal: opts.signal, timeoutMs: opts.timeoutMs }, (err, res) => (err || !res ? reject(err) : resolve(res)));
    r.end();
  });
  if (res.statusCode !== 200) {
    res.resume();
    throw new HttpStatusError(res.statusCode ?? 0, what, hint(res.statusCode ?? 0, loc));
  }
  const cap = opts.maxBytes;
  const tooLarge = (): ResponseTooLargeError => new ResponseTooLargeError(client.endpoint.display, what, cap ?? 0);
  if (cap !== undefined && Number(res.headers['content-length'] ?? 0) > cap) {
    res.destroy();
    throw tooLarge();
  }
  let bytes = 0;
  res.on('data', (c: Buffer) => {
    bytes += c.length;
    if (cap !== undefined && bytes > cap) res.destroy(tooLarge());
  });
  await pipeline(res, dest, { signal: opts.signal });
  return bytes;
}

/** Reads a (small) datastore file into memory, at most `maxBytes` (default: the client's response cap). */
export async function readFile(client: VimClient, loc: DatastoreLocation, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const maxBytes = opts.maxBytes ?? client.maxResponseBytes;
  await downloadFile(client, loc, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }), { ...opts, maxBytes });
  return Buffer.concat(chunks);
}

/** Uploads `source` (a Buffer or a stream of known `size`) to a datastore file (PUT, overwrites). */
export async function uploadFile(client: VimClient, loc: DatastoreLocation, source: Buffer | Readable, opts: { size?: number; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const what = `Upload of ${datastorePath(loc.datastore, loc.path)}`;
  const size = Buffer.isBuffer(source) ? source.length : opts.size;
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (size !== undefined) headers['content-length'] = String(size);
  let req: import('node:http').ClientRequest | undefined;
  const done = new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    req = client.startRequest({ method: 'PUT', path: datastoreFileUrlPath(loc), headers, what, signal: opts.signal, timeoutMs: opts.timeoutMs }, (err, res) => (err || !res ? reject(err) : resolve(res)));
  });
  const r = req as unknown as import('node:http').ClientRequest;
  if (Buffer.isBuffer(source)) r.end(source);
  else {
    pipeline(source, r, { signal: opts.signal }).catch((e: Error) => r.destroy(e));
  }
  const res = await done;
  res.resume();
  if (res.statusCode !== 200 && res.statusCode !== 201 && res.statusCode !== 204) {
    throw new HttpStatusError(res.statusCode ?? 0, what, hint(res.statusCode ?? 0, loc));
  }
}

export interface DatastoreFileEntry {
  path: string;
  type: string;
  size?: number;
  modification?: string;
  owner?: string;
}

export interface DatastoreListing {
  folderPath: string;
  files: DatastoreFileEntry[];
}

/** Lists a datastore folder with SearchDatastore_Task on the datastore's browser. */
export async function listFolder(client: VimClient, datastore: MoRef, datastoreName: string, folder: string, opts: WaitOptions & { pattern?: string[] } = {}): Promise<DatastoreListing> {
  const browser = asMoRef(await retrieveProperty(client, datastore, 'browser', { signal: opts.signal }));
  if (!browser) throw new VsphereError('noBrowser', `Datastore ${datastoreName} has no browser (not accessible from any host?). Check that it is mounted.`);
  const spec = {
    details: { fileType: true, fileSize: true, modification: true, fileOwner: true },
    matchPattern: opts.pattern ?? ['*'],
  };
  const r = await runTask(client, 'SearchDatastore_Task', browser, [
    ['datastorePath', datastorePath(datastoreName, folder)], ['searchSpec', spec],
  ], opts);
  const res = asObject(r.result) ?? {};
  return {
    folderPath: asString(res.folderPath) ?? datastorePath(datastoreName, folder),
    files: asArray(res.file).map((f) => {
      const o = asObject(f) ?? {};
      return {
        path: asString(o.path) ?? '',
        type: o._type ?? 'FileInfo',
        size: asNumber(o.fileSize),
        modification: asString(o.modification),
        owner: asString(o.owner),
      };
    }),
  };
}
