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

/** Reads a whole input file. */
export async function readInputFile(inv: CliInvocation, file: string): Promise<{ abs: string; bytes: Buffer }> {
  const abs = resolveInput(inv, file);
  try {
    return { abs, bytes: await fsp.readFile(abs) };
  } catch (e) {
    throw failure(file, e);
  }
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
  if (!opts.force) {
    const exists = await fsp.stat(abs).then(() => true, () => false);
    if (exists) throw new CliFailure(`${file} already exists; not overwriting it${opts.why ? ` (${opts.why})` : ''}. Use --force or another --out.`, 'exists');
  }
  await writeFileAtomic(abs, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { mode: opts.mode, enforceMode: true });
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
