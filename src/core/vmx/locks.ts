/**
 * Is the VM running? Checked before any write to its files.
 *
 * A running VM creates lock files with a `.lck` suffix, in locking subdirectories next to its
 * files, for the .vmx, each .vmdk and the .vmem (e.g. `NAME.vmx.lck/`); they are removed at power
 * off, and stale ones stay after a host crash (VMware Workstation Pro 16 "Using Lock Files to
 * Prevent Consistency Problems on Virtual Hard Disks", docs.vmware.com). Older releases used plain
 * `.lck` files. Any `*.lck` file or directory beside the .vmx is therefore taken as "in use".
 * Writing itself: src/core/fs/atomic.ts.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

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
