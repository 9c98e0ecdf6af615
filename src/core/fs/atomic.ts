/**
 * Atomic file writes for every layer (the CLI, the extension's exports and key files, the .vmx
 * edits): readers see the old content or the new, never a mix; a backup on request; refusals
 * (read-only, not a regular file) as a `WriteRefusedError` with a `code`. VM-specific checks (the
 * lock files of a running VM) live in src/core/vmx/locks.ts.
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export class WriteRefusedError extends Error {
  constructor(
    message: string,
    readonly code: 'read-only' | 'not-a-file' | 'vm-running',
  ) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

export interface AtomicWriteOptions {
  /**
   * Copy the current file here before replacing it: `true` → `<file>.bak`, a string → that path.
   * Nothing is copied when the file does not exist yet.
   */
  backup?: boolean | string;
  /** Mode for a new file (default 0o644, less the umask). An existing file keeps its mode. */
  mode?: number;
  /**
   * Apply `mode` even when replacing a file, and replace it even when it is read-only: for files
   * whose mode we own, such as a private key that must stay 0600.
   */
  enforceMode?: boolean;
}

export interface AtomicWriteResult {
  /** The file written (symbolic links are followed, so this is the link's target). */
  path: string;
  backup?: string;
}

/**
 * Replaces `file` with `bytes` so that readers see either the old or the new content, never a
 * mix: write a temporary file in the same directory, fsync it, rename it over the target, fsync
 * the directory. The file's permission bits (and owner, when allowed) are kept. Refuses a file
 * with no write permission bit set (also when running as root) or one that is not a regular file;
 * with `enforceMode` the given mode is applied and only the latter is refused.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): Promise<AtomicWriteResult> {
  let target = path.resolve(file);
  try {
    target = await fsp.realpath(target);
  } catch {
    // new file: keep the path as given
  }
  let mode = options.mode ?? 0o644;
  let owner: { uid: number; gid: number } | undefined;
  let exists = false;
  try {
    const st = await fsp.stat(target);
    exists = true;
    if (!st.isFile()) throw new WriteRefusedError(`${target} is not a regular file`, 'not-a-file');
    owner = { uid: st.uid, gid: st.gid };
    if (!options.enforceMode) {
      mode = st.mode & 0o7777;
      if ((mode & 0o222) === 0) {
        throw new WriteRefusedError(`${target} is read-only (mode ${mode.toString(8).padStart(4, '0')}); make it writable first if you mean to change it`, 'read-only');
      }
      try {
        await fsp.access(target, fsc.W_OK);
      } catch {
        throw new WriteRefusedError(`${target} is not writable by this user`, 'read-only');
      }
    }
  } catch (e) {
    if (e instanceof WriteRefusedError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }

  const dir = path.dirname(target);
  let backup: string | undefined;
  if (exists && options.backup) {
    backup = typeof options.backup === 'string' ? path.resolve(options.backup) : target + '.bak';
    await writeBackup(target, backup);
  }

  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, 'wx', mode);
  try {
    try {
      await fh.writeFile(bytes);
      await fh.chmod(mode); // the umask may have cleared bits
      if (owner && typeof process.getuid === 'function' && process.getuid() === 0) {
        await fh.chown(owner.uid, owner.gid).catch(() => undefined);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  }
  // make the rename itself durable (not supported on every platform)
  try {
    const dh = await fsp.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // ignore: e.g. Windows cannot open directories
  }
  return backup ? { path: target, backup } : { path: target };
}

/**
 * Copies `target` to `backup` durably and without following a symlink at `backup`: the copy goes to a
 * new temporary file beside it (exclusive create), is fsynced, then renamed over `backup` (a rename
 * replaces a symlink itself; copying onto it would write wherever it points).
 */
async function writeBackup(target: string, backup: string): Promise<void> {
  const tmp = path.join(path.dirname(backup), `.${path.basename(backup)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fsp.copyFile(target, tmp, fsc.COPYFILE_EXCL);
    const fh = await fsp.open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, backup);
  } catch (e) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  }
}
