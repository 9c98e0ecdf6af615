/**
 * A folder of signed certificates as a rotation imports it (`vlab cert rotate --certs DIR`, the agents'
 * rotation tool): every regular file, bounded in number and size, keys and CSRs left out; and the file
 * name a host's CSR or key gets. Matching the files to hosts is rotate.ts's (by their SANs).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabError } from '../errors';

/** What a folder of certificates may hold. */
export const MAX_CERT_FILES = 200;
export const MAX_CERT_FILE_BYTES = 1 << 20;

/** A host's name as a file name (`esx01.lab.local` stays, anything else becomes `_`). */
export function hostFileName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'host';
}

/** Every regular file of `dir` but keys and CSRs, in name order; refused past MAX_CERT_FILES entries. */
export async function readCertificateFolder(dir: string, what = dir): Promise<Array<{ name: string; bytes: Buffer }>> {
  const names = await fsp.readdir(dir).catch((e: Error) => { throw new LabError('notFound', `${what}: ${e.message}`); });
  if (names.length > MAX_CERT_FILES) throw new LabError('tooLarge', `${what} holds ${names.length} files; at most ${MAX_CERT_FILES} (the signed certificates and the CA chain).`);
  const out = [];
  for (const name of names.sort()) {
    const st = await fsp.lstat(path.join(dir, name));
    if (!st.isFile() || st.size > MAX_CERT_FILE_BYTES || /\.(key|csr)$/i.test(name)) continue;
    out.push({ name, bytes: await fsp.readFile(path.join(dir, name)) });
  }
  return out;
}
