/**
 * Turns a tool's result into the text a model reads: the summary first, then each fact with its
 * evidence (file lines as links that open at the line, API property paths, KB / guide sources),
 * then the details as JSON when asked. Bounded: a result never exceeds its character budget; what
 * is left out is counted and the text says how to ask for it.
 */
import type { Evidence, Fact, ToolResult } from './types';

/** Budgets (characters): a summary answer, a full answer. */
export const SUMMARY_BUDGET = 6_000;
export const FULL_BUDGET = 24_000;
/** Facts shown in a summary answer (all, up to the budget, in a full one). */
export const SUMMARY_FACTS = 15;

export interface RenderOptions {
  detail?: 'summary' | 'full';
  /** Link for a file line (the host's: VS Code opens it at the line). */
  fileLink(file: string, line?: number): string;
}

function baseName(file: string): string {
  const p = file.replace(/[?#].*$/, '');
  const last = p.split(/[\\/]/).filter(Boolean).pop() ?? p;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** One piece of evidence as markdown. */
export function renderEvidence(e: Evidence, fileLink: RenderOptions['fileLink']): string {
  switch (e.kind) {
    case 'file': {
      const text = e.text ? ` \`${clip(e.text, 160)}\`` : '';
      // A datastore file ("[ds] dir/vmware.log") the host cannot open: its name and line as text.
      if (!e.href && /^\[[^\]]+\]/.test(e.file)) return `${e.file}:${e.line}${text}`;
      return `[${baseName(e.file)}:${e.line}](${e.href ?? fileLink(e.file, e.line)})${text}`;
    }
    case 'api': return `API ${e.object} \`${e.path}\` = ${clip(e.value, 120)}`;
    case 'tls': return `TLS handshake with ${e.endpoint}: ${clip(e.text, 160)}`;
    case 'source': return e.url ? `[${clip(e.title, 140)}](${e.url})` : `source: ${clip(e.title, 160)}`;
  }
}

function renderFact(f: Fact, fileLink: RenderOptions['fileLink']): string {
  const mark = f.severity ? `**${f.severity}** ` : '';
  const ev = f.evidence.slice(0, 6).map((e) => renderEvidence(e, fileLink));
  const more = f.evidence.length > 6 ? [`${f.evidence.length - 6} more`] : [];
  return `- ${mark}${f.text}${ev.length ? `\n  evidence: ${[...ev, ...more].join('; ')}` : ''}`;
}

/** The text of a result, within the budget of its detail level. */
export function renderResult(r: ToolResult, opts: RenderOptions): string {
  const full = opts.detail === 'full';
  const budget = full ? FULL_BUDGET : SUMMARY_BUDGET;
  const parts: string[] = [r.summary.trim()];
  let used = parts[0].length;
  const shown = full ? r.facts : r.facts.slice(0, SUMMARY_FACTS);
  let omitted = r.facts.length - shown.length;
  for (let i = 0; i < shown.length; i++) {
    const text = renderFact(shown[i], opts.fileLink);
    if (used + text.length + 200 > budget) {
      omitted += shown.length - i;
      break;
    }
    parts.push(text);
    used += text.length + 1;
  }
  if (omitted > 0) parts.push(`(${omitted} more fact(s) not shown${full ? ': narrow the question' : ': call again with detail "full"'}.)`);
  if (full && r.details !== undefined) {
    const json = JSON.stringify(r.details, null, 1);
    const room = budget - used - 100;
    if (room > 200) parts.push('details:\n```json\n' + (json.length <= room ? json : `${json.slice(0, room)}\n… (cut at ${room} of ${json.length} characters)`) + '\n```');
  } else if (!full && r.details !== undefined) {
    parts.push('(details as JSON: call again with detail "full".)');
  }
  return parts.join('\n');
}

/** The text of a planned change, for a confirmation. */
export function renderPlan(p: { title: string; changes: string[]; warning?: string }): string {
  return [...p.changes.map((c) => `- ${c}`), ...(p.warning ? [p.warning] : [])].join('\n');
}
