/**
 * Is this file an ISO 9660 CD image?
 *
 * An ISO 9660 image starts with 16 sectors (32 KiB) of system area, then the volume descriptor set:
 * each descriptor is one 2048-byte sector whose byte 0 is the type and bytes 1–5 the standard
 * identifier "CD001" (ECMA-119, 8.1). So the first descriptor's identifier sits at offset 0x8001.
 * El Torito bootable CDs (such as plpbt.iso) are ISO 9660 images too (El Torito specification 1.0:
 * the boot record is one of those descriptors).
 */
import { promises as fsp } from 'node:fs';

export const ISO9660_MAGIC_OFFSET = 0x8001;
export const ISO9660_MAGIC = 'CD001';

export type IsoProblem = 'missing' | 'not-a-file' | 'unreadable' | 'not-iso';

export class IsoImageError extends Error {
  constructor(
    readonly problem: IsoProblem,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'IsoImageError';
  }
}

/** True when `bytes` (the start of a file, at least 0x8006 bytes) carries the ISO 9660 signature. */
export function hasIso9660Signature(bytes: Uint8Array): boolean {
  if (bytes.length < ISO9660_MAGIC_OFFSET + ISO9660_MAGIC.length) return false;
  for (let i = 0; i < ISO9660_MAGIC.length; i++) {
    if (bytes[ISO9660_MAGIC_OFFSET + i] !== ISO9660_MAGIC.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Checks that `file` exists, is a regular file and holds the ISO 9660 signature. Resolves, or
 * throws IsoImageError saying what is wrong.
 */
export async function checkIsoImage(file: string): Promise<void> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new IsoImageError('missing', file, `${file}: no such file`);
    throw new IsoImageError('unreadable', file, `${file}: cannot read (${code ?? (e as Error).message})`);
  }
  if (!st.isFile()) throw new IsoImageError('not-a-file', file, `${file} is not a file`);
  const need = ISO9660_MAGIC_OFFSET + ISO9660_MAGIC.length;
  const buf = Buffer.alloc(need);
  let read = 0;
  try {
    const fh = await fsp.open(file, 'r');
    try {
      while (read < need) {
        const { bytesRead } = await fh.read(buf, read, need - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new IsoImageError('unreadable', file, `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!hasIso9660Signature(buf.subarray(0, read))) {
    throw new IsoImageError(
      'not-iso',
      file,
      `${file} is not an ISO 9660 CD image (no "CD001" signature at offset 0x8001${read < need ? `; the file has only ${st.size} bytes` : ''})`,
    );
  }
}

