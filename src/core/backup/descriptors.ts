/**
 * The small descriptor .vmdk files a .vmx names, read from beside the .vmx, so that the facts can
 * tell raw device mappings and their compatibility mode (`createType`). A file larger than a
 * descriptor (a flat extent) or one that is not there (another datastore, only the .vmx copied) is
 * skipped: nothing to learn from it.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { VmxDocument } from '../vmx/document';
import type { FactHints } from './facts';

/** Descriptors are a few hundred bytes; anything larger is a disk's data. */
export const DESCRIPTOR_MAX_BYTES = 65536;

/** `vmxAbs`: where the .vmx is; `vmxShown`: its name as evidence shows it (descriptor paths follow it). */
export async function readDescriptors(doc: VmxDocument, vmxAbs: string, vmxShown: string = vmxAbs): Promise<FactHints['descriptors']> {
  const out: NonNullable<FactHints['descriptors']> = {};
  for (const e of doc.entries()) {
    if (!/^(scsi|ide|sata|nvme)\d+:\d+\.fileName$/i.test(e.key) || !/\.vmdk$/i.test(e.value)) continue;
    const abs = path.resolve(path.dirname(vmxAbs), e.value);
    try {
      const st = await fsp.stat(abs);
      if (!st.isFile() || st.size > DESCRIPTOR_MAX_BYTES) continue;
      out[e.value] = { file: path.join(path.dirname(vmxShown), e.value), text: await fsp.readFile(abs, 'latin1') };
    } catch {
      // Not next to the .vmx: nothing to learn.
    }
  }
  return out;
}
