/**
 * Turns facts, log analyses and findings into the panel's view model. No 'vscode' here: the
 * caller passes what depends on the editor (power state, whether a .vmx may be edited now).
 */
import type { Evidence } from './facts';
import { findingKey, fixLabel, planFix } from './fixes';
import type { EvidenceLine, LogAnalysis } from './logs';
import type { Finding } from './rules';
import type { EvidenceView, FindingView, FixView, LogsView } from './views';

/** Last path segment of a URI string or path, decoded. */
export function shortName(uriOrPath: string): string {
  const p = uriOrPath.replace(/[?#].*$/, '');
  const last = p.split(/[\\/]/).filter(Boolean).pop() ?? p;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function evidenceView(e: Evidence): EvidenceView {
  switch (e.kind) {
    case 'vmx': return { kind: 'vmx', label: `${shortName(e.file)}:${e.line}`, text: `${e.key} = "${e.value}"`, uri: e.file, line: e.line };
    case 'log': {
      const v: EvidenceView = { kind: 'log', label: `${shortName(e.file)}:${e.line}`, text: e.text, uri: e.file, line: e.line };
      if (e.time !== undefined) v.time = e.time;
      return v;
    }
    case 'api': return { kind: 'api', label: e.path, text: e.value };
    case 'option': return { kind: 'option', label: e.name, text: e.value };
  }
}

function lineView(l: EvidenceLine): EvidenceView {
  const v: EvidenceView = { kind: 'log', label: `${shortName(l.file)}:${l.line}`, text: l.text, uri: l.file, line: l.line };
  if (l.time !== undefined) v.time = l.time;
  return v;
}

export interface FixContext {
  target: 'vmx' | 'api';
  powerState?: string;
  /** Set when changes are refused right now (VM running next to a .vmx, untrusted workspace…). */
  blockedReason?: string;
  strings: { needsPowerOff: string; notViaApi: string; notViaVmx: string; keyPresentTwice: string };
}

export function findingView(f: Finding, ctx: FixContext): FindingView {
  const fixes: FixView[] = (f.fix ?? []).map((fix, index) => {
    const plan = planFix(fix, ctx.target);
    const label = fixLabel(fix);
    if (plan.kind === 'none') {
      if (plan.reason === 'manual') return { index, label, state: 'manual' };
      return { index, label, state: 'blocked', note: plan.reason === 'notViaApi' ? ctx.strings.notViaApi : ctx.strings.notViaVmx };
    }
    if (ctx.blockedReason) return { index, label, state: 'blocked', note: ctx.blockedReason };
    if (plan.kind === 'extraConfig' && plan.requiresPoweredOff && ctx.powerState !== 'poweredOff') {
      return { index, label, state: 'needsPowerOff', note: ctx.strings.needsPowerOff };
    }
    return { index, label, state: 'apply' };
  });
  const v: FindingView = {
    key: findingKey(f), id: f.id, severity: f.severity, title: f.title, explanation: f.explanation,
    evidence: f.evidence.map(evidenceView), source: f.source, fixes,
  };
  if (f.vm !== undefined) v.vm = f.vm;
  if (f.vms?.length) v.vms = f.vms;
  return v;
}

export function logsView(a: LogAnalysis): LogsView {
  return {
    files: a.files.map((f) => ({ uri: f.file, label: shortName(f.file), lines: f.lines, bytes: f.bytes })),
    lines: { total: a.lines.total, raw: a.lines.raw },
    jobs: a.jobs.map((j) => {
      const v = {
        name: j.name, job: j.job, vms: j.vms, outcome: j.outcome,
        where: lineView(j.evidence ?? { ...j.start, text: j.name }), errorKeys: j.errorKeys,
      } as LogsView['jobs'][number];
      if (j.start.time !== undefined) v.start = j.start.time;
      if (j.end?.time !== undefined) v.end = j.end.time;
      return v;
    }),
    jobsDropped: a.jobsDropped,
    vms: a.vms.map((o) => {
      const v: LogsView['vms'][number] = { vm: o.vm, runs: o.runs, outcomes: { ...o.outcomes } as Record<string, number> };
      if (o.last) v.last = o.last.outcome;
      return v;
    }),
    errors: a.errors.map((g) => {
      const v: LogsView['errors'][number] = {
        key: g.key, label: g.code ?? g.key.replace(/^msg:/, ''), source: g.source, count: g.count,
        first: lineView(g.first), last: lineView(g.last), vms: g.vms,
      };
      if (g.duringRuns.length) v.duringRuns = g.duringRuns.map((d) => d.vm);
      if (g.code) v.code = g.code;
      if (g.meaning) v.meaning = g.meaning;
      return v;
    }),
    errorsOverflow: a.errorsOverflow,
  };
}

/** Rewrites file paths in an analysis (absolute paths → the URI strings the editor opens). */
export function relabelLogs(a: LogAnalysis, map: (file: string) => string): void {
  const fix = (p: { file: string }) => { p.file = map(p.file); };
  a.files.forEach(fix);
  a.rawSample.forEach(fix);
  for (const j of a.jobs) { fix(j.start); if (j.end) fix(j.end); if (j.evidence) fix(j.evidence); }
  for (const v of a.vms) if (v.last) fix(v.last.pos);
  for (const g of a.errors) { fix(g.first); fix(g.last); g.samples.forEach(fix); }
}
