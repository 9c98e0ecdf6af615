/**
 * Which order log files are analyzed in: what a file's head says (its first timestamps, a vcbAPI
 * offset) and its rotation number. Pure: the file reader (files.ts) reads the head.
 */
import * as path from 'node:path';
import { fileKind, parseLogLine, TimeContext } from './lines';
import type { LogKind } from './types';

export interface LogFileInfo {
  file: string;
  kind: LogKind;
  /** N in `name-N.log`, when present. */
  rotation?: number;
  /** First full-dated (or mtime-anchored syslog) time found in the file's head. */
  firstTime?: number;
  /** First time from a line that carries its year (appliance or vcbAPI shape) in the head. */
  firstFullTime?: number;
  /** UTC offset printed by a vcbAPI line in the head, in minutes. */
  utcOffsetMinutes?: number;
  mtime?: number;
}

/**
 * What the head of a file says: its first timestamps and a vcbAPI offset. `head` is the file's
 * first bytes as text; `truncated` when it stops inside the file (its last, partial line is not read).
 */
export function logFileInfoFromHead(file: string, head: string, mtime: number, truncated: boolean): LogFileInfo {
  const info: LogFileInfo = { file, kind: fileKind(file) };
  const rot = /-(\d+)\.log$/i.exec(path.basename(file));
  if (rot) info.rotation = Number(rot[1]);
  info.mtime = mtime;
  const tc = new TimeContext(0, mtime);
  const lines = head.split('\n');
  if (truncated) lines.pop();
  let n = 0;
  for (const l of lines) {
    const r = parseLogLine(l.replace(/\r$/, ''), file, ++n, tc);
    if (r.shape === 'vcbapi' && info.utcOffsetMinutes === undefined) {
      const z = /(Z|[+-]\d{2}:?\d{2}) \[/.exec(l);
      if (z) {
        const t = z[1];
        info.utcOffsetMinutes = t === 'Z' ? 0 : (t[0] === '-' ? -1 : 1) * (Number(t.slice(1, 3)) * 60 + Number(t.replace(':', '').slice(3, 5)));
      }
    }
    if (r.time !== undefined && info.firstTime === undefined) info.firstTime = r.time;
    if (r.time !== undefined && r.shape !== 'syslog' && info.firstFullTime === undefined) info.firstFullTime = r.time;
    if (info.firstFullTime !== undefined && (info.kind !== 'vcbapi' || info.utcOffsetMinutes !== undefined)) break;
  }
  return info;
}

/**
 * Orders files for analysis: main-log files first, then vcbAPI, then others; within a kind in time
 * order. When every file of a kind has a first timestamp, that decides; otherwise the rotation
 * number does, higher numbers first (rotation renames the current file to the next number, so a
 * higher number is older), then the modification time.
 */
export function orderLogFiles(infos: LogFileInfo[]): LogFileInfo[] {
  const kindRank: Record<LogKind, number> = { datarecovery: 0, other: 1, vcbapi: 2, vmware: 3 };
  const byKind = new Map<LogKind, LogFileInfo[]>();
  for (const i of infos) {
    const list = byKind.get(i.kind) ?? [];
    list.push(i);
    byKind.set(i.kind, list);
  }
  const out: LogFileInfo[] = [];
  for (const kind of [...byKind.keys()].sort((a, b) => kindRank[a] - kindRank[b])) {
    const list = byKind.get(kind)!;
    const allTimed = list.every((i) => i.firstTime !== undefined);
    list.sort((a, b) => {
      if (allTimed) return a.firstTime! - b.firstTime! || (b.rotation ?? -1) - (a.rotation ?? -1);
      const ra = a.rotation ?? -1;
      const rb = b.rotation ?? -1;
      if (ra !== rb) return rb - ra;
      return (a.mtime ?? 0) - (b.mtime ?? 0) || a.file.localeCompare(b.file);
    });
    out.push(...list);
  }
  return out;
}
