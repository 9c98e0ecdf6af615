/**
 * Files named on the command line, resolved against the invocation's cwd. Inputs fail the same
 * way everywhere — `not-found`, `not-a-file`, `read-failed` (exit 1 with the file's name); outputs
 * are written atomically and never replace an existing file without `--force` (`exists`).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/fs/atomic';
import { CliFailure, type CliInvocation } from './command';

export function resolveInput(inv: CliInvocation, file: string): string {
  return path.resolve(inv.io.cwd, file);
}

function failure(file: string, e: unknown): CliFailure {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CliFailure(`${file}: no such file`, 'not-found');
  if (code === 'EISDIR') return new CliFailure(`${file}: is a directory`, 'not-a-file');
  return new CliFailure(`${file}: cannot read (${code ?? (e as Error).message})`, 'read-failed');
}

/** Default cap of an input file read whole (a .vmx, a PEM, a JSON capture): 64 MiB. */
export const MAX_INPUT_BYTES = 64 * 1048576;

/**
 * Reads a whole input file: a regular file only (a device such as /dev/zero, a FIFO or a folder is
 * refused before a byte is read), at most `maxBytes` (default {@link MAX_INPUT_BYTES}).
 */
export async function readInputFile(inv: CliInvocation, file: string, opts: { maxBytes?: number } = {}): Promise<{ abs: string; bytes: Buffer }> {
  const abs = resolveInput(inv, file);
  const cap = opts.maxBytes ?? MAX_INPUT_BYTES;
  let handle: fsp.FileHandle | undefined;
  try {
    // stat before open: opening a FIFO would wait for a writer, reading /dev/zero never ends.
    const before = await fsp.stat(abs);
    if (before.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!before.isFile()) throw new CliFailure(`${file}: not a regular file (a device, pipe or socket); give a file`, 'not-a-file');
    handle = await fsp.open(abs, 'r');
    const st = await handle.stat();
    if (!st.isFile()) throw new CliFailure(`${file}: not a regular file (a device, pipe or socket); give a file`, 'not-a-file');
    if (st.size > cap) throw tooLarge(file, cap);
    // Read at most cap + 1 bytes: a file that grows while it is read is still bounded.
    const buf = Buffer.alloc(Math.min(st.size, cap) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > cap) throw tooLarge(file, cap);
      if (n === buf.length) break;
    }
    return { abs, bytes: buf.subarray(0, n) };
  } catch (e) {
    if (e instanceof CliFailure) throw e;
    throw failure(file, e);
  } finally {
    await handle?.close();
  }
}

function tooLarge(file: string, cap: number): CliFailure {
  return new CliFailure(`${file}: larger than ${Math.round(cap / 1048576)} MB, more than this command reads; check that it is the right file`, 'too-large');
}

/** The bytes of an input file. */
export async function readInputBytes(inv: CliInvocation, file: string): Promise<Buffer> {
  return (await readInputFile(inv, file)).bytes;
}

/**
 * Writes an output file (temp + rename, `mode` kept even over an existing file); refuses to
 * replace an existing one unless `force`. `why` ends the refusal ("a private key cannot be recovered").
 */
export async function writeOutputFile(inv: CliInvocation, file: string, data: string | Buffer, opts: { mode: number; force: boolean; why?: string }): Promise<string> {
  const abs = resolveInput(inv, file);
  const st = await fsp.lstat(abs).catch(() => undefined);
  if (st?.isDirectory()) throw new CliFailure(`${file} is a folder; name a file to write, e.g. ${path.join(file, 'out')}`, 'not-a-file');
  if (st && !st.isFile() && !st.isSymbolicLink()) throw new CliFailure(`${file} is not a regular file (a device, pipe or socket); name a file to write`, 'not-a-file');
  if (st && !opts.force) throw new CliFailure(`${file} already exists; not overwriting it${opts.why ? ` (${opts.why})` : ''}. Use --force or another --out.`, 'exists');
  const parent = await fsp.stat(path.dirname(abs)).catch(() => undefined);
  if (!parent) throw new CliFailure(`${file}: the folder ${path.dirname(abs)} does not exist; create it first or write elsewhere`, 'not-found');
  if (!parent.isDirectory()) throw new CliFailure(`${file}: ${path.dirname(abs)} is not a folder`, 'not-a-file');
  try {
    await writeFileAtomic(abs, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { mode: opts.mode, enforceMode: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliFailure(`${file}: cannot write (${code ?? (e as Error).message})`, 'write-failed');
  }
  return abs;
}

/** Checks that an input exists and is a regular file (for readers that stream it). */
export async function requireInputFile(inv: CliInvocation, file: string): Promise<string> {
  const abs = resolveInput(inv, file);
  let isFile: boolean;
  try {
    isFile = (await fsp.stat(abs)).isFile();
  } catch (e) {
    throw failure(file, e);
  }
  if (!isFile) throw new CliFailure(`${file}: not a file`, 'not-a-file');
  return abs;
}

/** Creates an output folder (and its parents); a file in the way or a refused folder is an error in words. */
export async function makeOutputDir(inv: CliInvocation, dir: string): Promise<string> {
  const abs = resolveInput(inv, dir);
  try {
    await fsp.mkdir(abs, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new CliFailure(`${dir}: a file is in the way; --out names a folder here`, 'not-a-folder');
    throw new CliFailure(`${dir}: cannot create the folder (${code ?? (e as Error).message})`, 'write-failed');
  }
  return abs;
}
