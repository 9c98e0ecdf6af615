/**
 * Input files named on the command line: resolved against the invocation's cwd, with the same
 * failures everywhere — `not-found`, `not-a-file`, `read-failed` (exit 1 with the file's name).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
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
