/**
 * Safe writes for VM files: refuse while the VM runs, write atomically, keep a backup.
 *
 * A running VM creates lock files with a `.lck` suffix, in locking subdirectories next to its
 * files, for the .vmx, each .vmdk and the .vmem (e.g. `NAME.vmx.lck/`); they are removed at power
 * off, and stale ones stay after a host crash (VMware Workstation Pro 16 "Using Lock Files to
 * Prevent Consistency Problems on Virtual Hard Disks", docs.vmware.com). Older releases used plain
 * `.lck` files. Any `*.lck` file or directory beside the .vmx is therefore taken as "in use".
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Lock files/directories beside the .vmx (full paths), sorted; empty when none. */
export async function findVmLocks(vmxPath: string): Promise<string[]> {
  const dir = path.dirname(path.resolve(vmxPath));
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.toLowerCase().endsWith('.lck'))
    .sort()
    .map((n) => path.join(dir, n));
}

/** True when a `*.lck` file or directory lies next to the .vmx (the VM is running or was not shut down cleanly). */
export async function isVmRunning(vmxPath: string): Promise<boolean> {
  return (await findVmLocks(vmxPath)).length > 0;
}

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
    await fsp.copyFile(target, backup);
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
