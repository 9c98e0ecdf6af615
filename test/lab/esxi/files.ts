/** The busybox file commands the simulator answers inside its root: ls, cat, cp, mv, rm, mkdir, test / [. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Resolve } from './shell';
import { err, type ExecResult } from './shell';

export function ls(resolve: Resolve, args: string[], cwd: string): ExecResult {
  const flags = args.filter((a) => a.startsWith('-') && a.length > 1).join('');
  const long = flags.includes('l');
  const all = flags.includes('a');
  const targets = args.filter((a) => !a.startsWith('-') || a === '-');
  if (!targets.length) targets.push('.');
  let stdout = '';
  let stderr = '';
  let code = 0;
  const line = (name: string, st: fs.Stats) => {
    if (!long) return name;
    const mode = (st.isDirectory() ? 'd' : '-') + [6, 3, 0].map((sh) => ((st.mode >> sh) & 4 ? 'r' : '-') + ((st.mode >> sh) & 2 ? 'w' : '-') + ((st.mode >> sh) & 1 ? 'x' : '-')).join('');
    const d = st.mtime;
    const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    return `${mode}    1 root     root     ${String(st.size).padStart(10)} ${mon} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} ${name}`;
  };
  for (const t of targets) {
    const real = resolve(t, cwd);
    const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
    if (!real || !st) {
      stderr += `ls: ${t}: No such file or directory\n`;
      code = 1;
      continue;
    }
    if (st.isDirectory()) {
      if (targets.length > 1) stdout += `${t}:\n`;
      const names = fs.readdirSync(real).filter((n) => all || !n.startsWith('.')).sort();
      for (const n of names) stdout += line(n, fs.statSync(path.join(real, n))) + '\n';
    } else stdout += line(t, st) + '\n';
  }
  return { stdout, stderr, code };
}

export function cat(resolve: Resolve, args: string[], cwd: string): ExecResult {
  let stdout = '';
  let stderr = '';
  for (const a of args) {
    const real = resolve(a, cwd);
    const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
    if (!real || !st) stderr += `cat: can't open '${a}': No such file or directory\n`;
    else if (st.isDirectory()) stderr += `cat: read error: Is a directory\n`;
    else stdout += fs.readFileSync(real, 'latin1');
  }
  return { stdout, stderr, code: stderr ? 1 : 0 };
}

export function copyOrMove(resolve: Resolve, cmd: 'cp' | 'mv', args: string[], cwd: string): ExecResult {
  const ops = args.filter((a) => !(a.startsWith('-') && a.length > 1));
  if (ops.length < 2) return err(`BusyBox v1.22.1 multi-call binary.\n\nUsage: ${cmd} [OPTIONS] SOURCE DEST\n`);
  const dest = ops.pop()!;
  const realDest = resolve(dest, cwd);
  if (!realDest) return err(`${cmd}: can't create '${dest}': Permission denied\n`);
  const destIsDir = fs.statSync(realDest, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (ops.length > 1 && !destIsDir) return err(`${cmd}: '${dest}' is not a directory\n`);
  let stderr = '';
  for (const src of ops) {
    const realSrc = resolve(src, cwd);
    const st = realSrc ? fs.statSync(realSrc, { throwIfNoEntry: false }) : undefined;
    if (!realSrc || !st) {
      stderr += `${cmd}: can't stat '${src}': No such file or directory\n`;
      continue;
    }
    const target = destIsDir ? path.join(realDest, path.basename(realSrc)) : realDest;
    if (!fs.existsSync(path.dirname(target))) {
      stderr += `${cmd}: can't create '${dest}': No such file or directory\n`;
      continue;
    }
    if (cmd === 'mv') fs.renameSync(realSrc, target);
    else if (st.isDirectory()) {
      if (!args.includes('-r') && !args.includes('-R') && !args.includes('-a')) {
        stderr += `cp: omitting directory '${src}'\n`;
        continue;
      }
      fs.cpSync(realSrc, target, { recursive: true });
    } else fs.copyFileSync(realSrc, target);
  }
  return { stdout: '', stderr, code: stderr ? 1 : 0 };
}

export function rm(resolve: Resolve, args: string[], cwd: string): ExecResult {
  const force = args.some((a) => /^-[a-zA-Z]*f/.test(a));
  const recursive = args.some((a) => /^-[a-zA-Z]*[rR]/.test(a));
  let stderr = '';
  for (const a of args.filter((x) => !x.startsWith('-'))) {
    const real = resolve(a, cwd);
    const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
    if (!real || !st) {
      if (!force) stderr += `rm: can't remove '${a}': No such file or directory\n`;
    } else if (st.isDirectory() && !recursive) stderr += `rm: '${a}' is a directory\n`;
    else fs.rmSync(real, { recursive: true, force: true });
  }
  return { stdout: '', stderr, code: stderr ? 1 : 0 };
}

export function mkdir(resolve: Resolve, args: string[], cwd: string): ExecResult {
  const p = args.includes('-p');
  let stderr = '';
  for (const a of args.filter((x) => !x.startsWith('-'))) {
    const real = resolve(a, cwd);
    if (!real) stderr += `mkdir: can't create directory '${a}': Permission denied\n`;
    else if (fs.existsSync(real) && !p) stderr += `mkdir: can't create directory '${a}': File exists\n`;
    else if (!p && !fs.existsSync(path.dirname(real))) stderr += `mkdir: can't create directory '${a}': No such file or directory\n`;
    else fs.mkdirSync(real, { recursive: true });
  }
  return { stdout: '', stderr, code: stderr ? 1 : 0 };
}

/** busybox test: the unary file tests a deploy script uses (-e -f -d -s), `!`, and [ … ]. */
export function test(resolve: Resolve, bracket: boolean, args: string[], cwd: string): ExecResult {
  const a = bracket ? (args[args.length - 1] === ']' ? args.slice(0, -1) : null) : args;
  if (!a) return err('[: missing ]\n', 2);
  const neg = a[0] === '!';
  const t = neg ? a.slice(1) : a;
  if (t.length !== 2 || !/^-[efds]$/.test(t[0])) return err(`sh: test: unsupported expression '${a.join(' ')}'\n`, 2);
  const real = resolve(t[1], cwd);
  const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
  const yes = !!st && (t[0] === '-e' || (t[0] === '-f' && st.isFile()) || (t[0] === '-d' && st.isDirectory()) || (t[0] === '-s' && st.size > 0));
  return { stdout: '', stderr: '', code: yes !== neg ? 0 : 1 };
}
