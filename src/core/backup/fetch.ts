/**
 * Fetching Data Recovery logs from the appliance over SSH (an `SshSession` from src/core/esxi/ssh.ts,
 * which pins host keys). The appliance keeps its main log in /var/vmware/datarecovery/ and the VDDK
 * layer's in /var/log/datarecovery/ (elatov.github.io 2012-09-01, DOMAIN.md §1).
 *
 * Logs can run to hundreds of MB, so each one is streamed over SFTP straight into a temporary file
 * next to its destination and renamed into place once complete: memory stays flat, and a cancelled
 * or failed copy leaves neither a partial log nor a changed earlier copy behind.
 */
import { shellQuote } from '../shell';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CancelledError } from '../errors';

export const VDR_LOG_DIRS = ['/var/vmware/datarecovery', '/var/log/datarecovery'] as const;

/** The log files backup diagnostics reads: datarecovery-N.log, datarecovery.log, vcbAPI-N.log. */
export const VDR_LOG_NAME = /^(?:datarecovery|vcbapi)(?:-\d+)?\.log$/i;

/** What fetching needs from an SSH session. */
export interface LogFetchSession {
  exec(command: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ stdout: string; code: number | null }>;
  stat(path: string): Promise<{ size?: number } | undefined>;
  createReadStream(path: string, opts?: { highWaterMark?: number }): Promise<Readable>;
}


function aborted(): Error {
  return new CancelledError('The log fetch');
}

/** Remote log files (absolute paths) in `dirs`; a missing directory is skipped. */
export async function listRemoteLogs(session: LogFetchSession, dirs: readonly string[] = VDR_LOG_DIRS, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs) {
    const r = await session.exec(`ls -1 ${shellQuote(dir)} 2>/dev/null`, { timeoutMs: 30_000, signal });
    if (r.code !== 0) continue;
    for (const name of r.stdout.split('\n').map((l) => l.trim())) {
      if (VDR_LOG_NAME.test(name)) out.push(path.posix.join(dir, name));
    }
  }
  return out.sort();
}

export interface FetchedLog {
  remote: string;
  /** File name it was saved under (unique across the directories). */
  name: string;
  /** The local file. */
  file: string;
  bytes: number;
}

export interface FetchProgress {
  remote: string;
  /** 0-based index of the file being copied, of `files`. */
  index: number;
  files: number;
  /** Bytes of this file copied so far, of `size` (its size when the copy started; a live log may grow). */
  bytes: number;
  size: number;
}

export interface FetchOptions {
  dirs?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (p: FetchProgress) => void;
}

/**
 * Streams `remote` into `dest`: a temporary file in the same folder, renamed over `dest` when the
 * copy is complete. Returns the byte count. On failure or cancellation the temporary file is removed
 * and `dest` is untouched.
 */
export async function downloadToFile(
  session: LogFetchSession, remote: string, dest: string,
  opts: { signal?: AbortSignal; onBytes?: (bytes: number) => void; /** Fewer bytes than this fail the copy. */ minBytes?: number } = {},
): Promise<number> {
  if (opts.signal?.aborted) throw aborted();
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.part`);
  const src = await session.createReadStream(remote, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      opts.onBytes?.(bytes);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(src, count, createWriteStream(tmp, { flags: 'wx', mode: 0o644 }), ...(opts.signal ? [{ signal: opts.signal }] : []));
    // A log only grows while it is written; fewer bytes than it had at the start means it was rotated under us.
    if (opts.minBytes !== undefined && bytes < opts.minBytes) {
      throw new Error(`${remote} shrank from ${opts.minBytes} to ${bytes} bytes while it was copied (rotated?); fetch again.`);
    }
    await fsp.rename(tmp, dest);
  } catch (e) {
    src.destroy();
    await fsp.rm(tmp, { force: true });
    if (opts.signal?.aborted) throw aborted();
    throw e;
  }
  return bytes;
}

/** Copies every Data Recovery log in `dirs` into `destDir` (created if needed), one stream at a time. */
export async function fetchRemoteLogs(session: LogFetchSession, destDir: string, opts: FetchOptions = {}): Promise<FetchedLog[]> {
  const remotes = await listRemoteLogs(session, opts.dirs ?? VDR_LOG_DIRS, opts.signal);
  await fsp.mkdir(destDir, { recursive: true });
  const used = new Set<string>();
  const out: FetchedLog[] = [];
  for (const [index, remote] of remotes.entries()) {
    if (opts.signal?.aborted) throw aborted();
    let name = path.posix.basename(remote);
    if (used.has(name.toLowerCase())) name = `${path.posix.basename(path.posix.dirname(remote))}-${name}`;
    used.add(name.toLowerCase());
    const size = (await session.stat(remote))?.size ?? 0;
    const file = path.join(destDir, name);
    const report = (bytes: number): void => opts.onProgress?.({ remote, index, files: remotes.length, bytes, size });
    report(0);
    const bytes = await downloadToFile(session, remote, file, { ...(opts.signal ? { signal: opts.signal } : {}), onBytes: report, minBytes: size });
    out.push({ remote, name, file, bytes });
  }
  return out;
}
