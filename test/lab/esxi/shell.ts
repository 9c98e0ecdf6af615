/**
 * The ESXi simulator's shell: what busybox `sh -c` does with a command line before any command runs
 * (`;`, `&&`, `||`, quotes, backslashes, `>` and `>>`). The commands themselves live in commands.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
  /** The command ended the SSH connection that ran it (no exit status reaches the client). */
  dropConnection?: boolean;
}

export const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', code: 0 });
export const err = (stderr: string, code = 1): ExecResult => ({ stdout: '', stderr, code });

type Op = ';' | '&&' | '||';

/** Split a command line into `;` / `&&` / `||` separated word lists (quotes and backslashes honoured). */
export function parseCommandLine(line: string): { words: string[]; op: Op }[] {
  const out: { words: string[]; op: Op }[] = [];
  let words: string[] = [];
  let cur = '';
  let inWord = false;
  let q: '"' | "'" | null = null;
  const endWord = () => {
    if (inWord) words.push(cur);
    cur = '';
    inWord = false;
  };
  const endCmd = (op: Op) => {
    endWord();
    if (words.length) out.push({ words, op });
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === ';' || c === '\n') {
      endCmd(';');
    } else if (c === '&' && line[i + 1] === '&') {
      i++;
      endCmd('&&');
    } else if (c === '|' && line[i + 1] === '|') {
      i++;
      endCmd('||');
    } else if (c === '>') {
      endWord();
      if (line[i + 1] === '>') {
        i++;
        words.push('>>');
      } else words.push('>');
    } else {
      cur += c;
      inWord = true;
    }
  }
  endCmd(';');
  return out;
}

/** Runs one parsed command (words without redirections) in a working directory. */
export type RunWords = (words: string[], cwd: string) => Promise<ExecResult>;
/** Maps a shell path into the simulator's root; null when it would escape. */
export type Resolve = (p: string, cwd?: string) => string | null;

/** Run a whole command line: operators, redirections, and the exit code of the last command that ran. */
export async function runLine(line: string, run: RunWords, resolve: Resolve): Promise<ExecResult> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  let prevOp: Op = ';';
  for (const { words: w0, op } of parseCommandLine(line)) {
    const skip = (prevOp === '&&' && code !== 0) || (prevOp === '||' && code === 0);
    prevOp = op;
    if (skip) continue;
    let words = w0;
    let redirect: { file: string; append: boolean } | undefined;
    const ri = words.findIndex((x) => x === '>' || x === '>>');
    if (ri >= 0) {
      if (ri + 1 >= words.length) {
        stderr += 'sh: syntax error: unexpected newline\n';
        code = 2;
        continue;
      }
      redirect = { file: words[ri + 1], append: words[ri] === '>>' };
      words = [...words.slice(0, ri), ...words.slice(ri + 2)];
    }
    let r: ExecResult;
    try {
      r = words.length ? await run(words, '/') : ok();
    } catch (e) {
      r = err(`sh: ${words[0]}: ${(e as Error).message}\n`);
    }
    if (redirect) {
      const real = resolve(redirect.file);
      if (!real || !fs.existsSync(path.dirname(real))) {
        r = { ...r, stdout: '', stderr: r.stderr + `sh: can't create ${redirect.file}: nonexistent directory\n`, code: 1 };
      } else {
        (redirect.append ? fs.appendFileSync : fs.writeFileSync)(real, r.stdout, 'latin1');
        r = { ...r, stdout: '' };
      }
    }
    stdout += r.stdout;
    stderr += r.stderr;
    code = r.code;
    // The connection is gone: nothing after this command runs, and no status reaches the client.
    if (r.dropConnection) return { stdout, stderr, code, dropConnection: true };
  }
  return { stdout, stderr, code };
}
