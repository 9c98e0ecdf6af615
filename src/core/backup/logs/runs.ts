/**
 * Per-VM job runs and error groups: the state machine the analyzer feeds with job and error events.
 * A run opens at the first line that mentions it and ends at its outcome line (or when the backup
 * window closes); errors logged while runs are open are tied to those runs' VMs. Every collection is
 * bounded (`RunBounds`), so memory does not grow with the input.
 */
import type { ErrorEvent, JobEvent } from './classify';
import type { ErrorGroup, EvidenceLine, JobRun, LogAnalysis, LogPos, VmOutcome } from './types';

export interface RunBounds {
  maxSamplesPerGroup: number;
  maxGroups: number;
  maxJobs: number;
  maxVms: number;
}

function pushBounded<T>(arr: T[], v: T, max: number): void {
  if (arr.length < max && !arr.includes(v)) arr.push(v);
}

/** `{ ...pos, text }` (same keys, same order), built directly: this runs for every job and error line. */
function evidence(pos: LogPos, text: string): EvidenceLine {
  return pos.time !== undefined ? { file: pos.file, line: pos.line, time: pos.time, text } : { file: pos.file, line: pos.line, text };
}

/** An error line's text when `flush` needs it: the analyzer, reading its current chunk. */
export interface LineSource {
  lineText(): string;
  lineStart: number;
  lineEnd: number;
}

/** A group and, while `pending`, its latest line as a place in the current chunk (text not read yet). */
interface GroupSlot {
  g: ErrorGroup;
  pending: boolean;
  dirty: boolean;
  file: string;
  line: number;
  time: number;
  start: number;
  end: number;
}

/** Evidence text: at most 500 characters. */
function clip(text: string): string {
  return text.length > 500 ? text.slice(0, 500) + '…' : text;
}

export class JobRuns {
  /** Finished runs, oldest first, as a ring of at most maxJobs (`jobsHead` is the oldest). */
  private readonly jobs: JobRun[] = [];
  private jobsHead = 0;
  private jobsDropped = 0;
  private readonly open = new Map<string, JobRun>();
  /** The distinct VMs of the open runs, in the order a Set over them gives; undefined after a change. */
  private openVms?: string[];
  private readonly vms = new Map<string, VmOutcome>();
  private readonly groups = new Map<string, GroupSlot>();
  /** Groups whose `last` line is pending (see `errorAt`). */
  private readonly dirty: GroupSlot[] = [];
  private errorsOverflow = 0;

  constructor(private readonly bounds: RunBounds) {}

  /** A job event at `pos` (`text`: the line). */
  job(j: JobEvent, pos: LogPos, text: string): void {
    if (j.stopTime) {
      // The backup window closed: every run still open stops here.
      if (this.open.size === 0) {
        this.finish({ name: '(backup window)', job: '(backup window)', vms: [], outcome: 'terminated-at-stop-time', start: pos, end: pos, evidence: evidence(pos, text), errorKeys: [] });
      }
      for (const run of [...this.open.values()]) {
        run.outcome = 'terminated-at-stop-time';
        run.end = pos;
        run.evidence = evidence(pos, text);
        this.open.delete(run.name);
        this.openVms = undefined;
        this.finish(run);
      }
      return;
    }
    let run = this.open.get(j.name);
    if (!run) {
      run = { name: j.name, job: j.job, vms: j.vm ? [j.vm] : [], outcome: 'running', start: pos, errorKeys: [] };
      if (j.outcome === undefined) {
        if (this.open.size >= this.bounds.maxJobs) return;
        this.open.set(j.name, run);
        this.openVms = undefined;
        return;
      }
    }
    if (j.outcome === undefined) return;
    run.outcome = j.outcome;
    run.end = pos;
    run.evidence = evidence(pos, text);
    if (this.open.delete(j.name)) this.openVms = undefined;
    this.finish(run);
  }

  private finish(run: JobRun): void {
    if (this.jobs.length >= this.bounds.maxJobs) {
      // Full: the oldest run gives way (a ring, not shift(): no copying per run).
      this.jobs[this.jobsHead] = run;
      this.jobsHead = (this.jobsHead + 1) % this.jobs.length;
      this.jobsDropped++;
    } else {
      this.jobs.push(run);
    }
    for (const vm of run.vms) {
      const o = this.vmOutcome(vm);
      if (!o) continue;
      o.runs++;
      o.outcomes[run.outcome] = (o.outcomes[run.outcome] ?? 0) + 1;
      o.last = { outcome: run.outcome, pos: run.end ?? run.start };
      for (const k of run.errorKeys) pushBounded(o.errorKeys, k, 50);
    }
  }

  private vmOutcome(vm: string): VmOutcome | undefined {
    let o = this.vms.get(vm);
    if (!o) {
      if (this.vms.size >= this.bounds.maxVms) return undefined;
      o = { vm, runs: 0, outcomes: {}, errorKeys: [] };
      this.vms.set(vm, o);
    }
    return o;
  }

  /** An error event at `pos`; a line naming no VM counts for the VMs whose runs are open now. */
  error(e: ErrorEvent, pos: LogPos, text: string): void {
    let s = this.groups.get(e.key);
    const line = evidence(pos, clip(text));
    if (!s) {
      if (this.groups.size >= this.bounds.maxGroups) {
        this.errorsOverflow++;
        return;
      }
      const g: ErrorGroup = { key: e.key, source: e.source, count: 0, first: line, last: line, samples: [], vms: [], duringRuns: [], linesSeveralVms: 0, linesNoRun: 0 };
      if (e.code) g.code = e.code;
      if (e.meaning) g.meaning = e.meaning;
      s = { g, pending: false, dirty: false, file: '', line: 0, time: 0, start: 0, end: 0 };
      this.groups.set(e.key, s);
    }
    const g = s.g;
    g.last = line;
    s.pending = false;
    if (g.samples.length < this.bounds.maxSamplesPerGroup) g.samples.push(line);
    this.tally(g, e);
  }

  /**
   * As `error` for a line of the analyzer's current chunk (`src`): when the line is only the group's
   * latest (no new group, no sample), its text is read at `flush` — once per group and chunk — not here.
   */
  errorAt(e: ErrorEvent, file: string, line: number, time: number, src: LineSource): void {
    const s = this.groups.get(e.key);
    if (!s || s.g.samples.length < this.bounds.maxSamplesPerGroup) {
      this.error(e, { file, line, time }, src.lineText());
      return;
    }
    s.pending = true;
    s.file = file;
    s.line = line;
    s.time = time;
    s.start = src.lineStart;
    s.end = src.lineEnd;
    if (!s.dirty) { s.dirty = true; this.dirty.push(s); }
    this.tally(s.g, e);
  }

  /** Sets the `last` line of the groups `errorAt` left pending; `text(start, end)` reads the chunk (still valid). */
  flush(text: (start: number, end: number) => string): void {
    for (const s of this.dirty) {
      if (s.pending) s.g.last = evidence({ file: s.file, line: s.line, time: s.time }, clip(text(s.start, s.end)));
      s.pending = false;
      s.dirty = false;
    }
    this.dirty.length = 0;
  }

  /** Counts one line of group `g`: its VM (or the VMs of the open runs) and the open runs' error keys. */
  private tally(g: ErrorGroup, e: ErrorEvent): void {
    g.count++;
    if (e.vm) {
      pushBounded(g.vms, e.vm, 50);
      const o = this.vmOutcome(e.vm);
      if (o) pushBounded(o.errorKeys, e.key, 50);
    } else {
      // The line names no VM: the VMs whose job runs are open now are the candidates.
      const open = this.openVmList();
      if (open.length === 0) g.linesNoRun++;
      else if (open.length > 1) g.linesSeveralVms++;
      for (const vm of open) {
        const d = g.duringRuns.find((x) => x.vm === vm);
        if (d) d.lines++;
        else if (g.duringRuns.length < 50) g.duringRuns.push({ vm, lines: 1 });
      }
    }
    for (const run of this.open.values()) pushBounded(run.errorKeys, e.key, 50);
  }

  private openVmList(): string[] {
    if (!this.openVms) {
      const set = new Set<string>();
      for (const run of this.open.values()) for (const vm of run.vms) set.add(vm);
      this.openVms = [...set];
    }
    return this.openVms;
  }

  /** Jobs (finished, then those still open), per-VM outcomes and error groups, as `LogAnalysis` has them. */
  result(): Pick<LogAnalysis, 'jobs' | 'jobsDropped' | 'vms' | 'errors' | 'errorsOverflow'> {
    const finished = [...this.jobs.slice(this.jobsHead), ...this.jobs.slice(0, this.jobsHead)];
    const jobs = [...finished, ...[...this.open.values()].map((r) => ({ ...r }))];
    const errors = [...this.groups.values()].map((s) => s.g).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return {
      jobs,
      jobsDropped: this.jobsDropped,
      vms: [...this.vms.values()].sort((a, b) => a.vm.localeCompare(b.vm)),
      errors,
      errorsOverflow: this.errorsOverflow,
    };
  }
}
