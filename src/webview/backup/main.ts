/**
 * Backup diagnostics panel (browser side): findings by severity with evidence, sources and fixes;
 * the Data Recovery job timeline, outcomes per VM and errors by code. Everything is built with DOM
 * calls (no HTML strings), styles through a constructed style sheet (allowed by the CSP).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { adoptStyles, h, icon } from '../shared/dom';
import { locale, t } from '../shared/l10n';
import { button, progressBar, select, type ProgressBar } from '../shared/ui';
import type { BackupReport, CreatedOnView, EvidenceView, FindingView, FixView, LogsView } from './protocol';
import { actions, client, store, type PanelState } from './state';
import { css } from './styles';

adoptStyles(css);

const app = document.getElementById('app')!;

/** Open findings survive a re-render (a fix or re-check): view state, kept with the view. */
const openKeys = new Set<string>();
/** The state being drawn (render() sets it before building the page). */
let busy = false;

const SEV_ICON = { error: 'error', warning: 'warning', info: 'info' } as const;

/** Log times in UTC, compact: 2012-07-07 22:04:02. */
function fmtTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

function fmtLocal(ms: number): string {
  try {
    return new Date(ms).toLocaleTimeString(locale());
  } catch {
    return new Date(ms).toTimeString().slice(0, 8);
  }
}

function evidenceLink(e: EvidenceView): HTMLElement {
  if (e.uri) {
    const a = h('a', { href: '#', class: 'ev-link', title: e.uri }, e.label);
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      actions.openEvidence(e.uri!, e.line);
    });
    return a;
  }
  // Options the user gave in the panel read as words, not as the rule engine's input names.
  const label = e.kind === 'option' && e.label === 'createdOnVersion' ? t('optionCreatedOnVersion') : e.label;
  return h('span', { class: e.kind === 'option' ? 'ev-path' : 'ev-path mono' }, label);
}

function evidenceRow(e: EvidenceView): HTMLElement {
  const kindIcon = e.kind === 'api' ? 'symbol-property' : e.kind === 'log' ? 'output' : e.kind === 'vmx' ? 'file-code' : 'symbol-constant';
  return h('li', { class: `ev ev-${e.kind}` },
    icon(kindIcon, 'muted'),
    evidenceLink(e),
    h('span', { class: 'ev-text mono' }, e.kind === 'api' || e.kind === 'option' ? `= ${e.text}` : e.text),
  );
}

function fixRow(f: FindingView, x: FixView): HTMLElement {
  if (x.state === 'manual') return h('li', { class: 'fix fix-manual' }, icon('checklist', 'muted'), h('span', {}, x.label));
  const row = h('li', { class: `fix fix-${x.state}` });
  const label = x.state === 'needsPowerOff' ? `${t('shutdownApply')}: ${x.label}` : x.label;
  row.append(button(label, () => void actions.applyFix(f.key, x.index, x.state === 'needsPowerOff'), {
    icon: x.state === 'needsPowerOff' ? 'debug-stop' : 'wrench',
    disabled: x.state === 'blocked' || busy,
    secondary: x.state === 'needsPowerOff',
    data: { fix: `${f.key}#${x.index}` },
  }));
  if (x.note) row.append(h('span', { class: 'muted fix-note' }, x.note));
  return row;
}

function findingCard(f: FindingView): HTMLElement {
  const hasFix = f.fixes.some((x) => x.state === 'apply' || x.state === 'needsPowerOff');
  const summary = h('summary', {},
    icon(SEV_ICON[f.severity], `sev-${f.severity}`),
    h('span', { class: 'finding-title' }, f.title),
    f.vm || f.vms?.length ? h('span', { class: 'muted finding-vm' }, f.vm ?? f.vms!.join(', ')) : undefined,
    hasFix ? h('span', { class: 'pill' }, icon('wrench'), ` ${t('fix')}`) : undefined,
  );
  const c = h('details', { class: `finding sev-border-${f.severity}`, 'data-key': f.key, 'data-id': f.id, open: openKeys.has(f.key) }, summary);
  c.addEventListener('toggle', () => {
    if ((c as HTMLDetailsElement).open) openKeys.add(f.key);
    else openKeys.delete(f.key);
  });
  const body = h('div', { class: 'finding-body' },
    h('p', { class: 'explanation' }, f.explanation),
    f.evidence.length ? h('h4', {}, t('evidence')) : undefined,
    f.evidence.length ? h('ul', { class: 'evidence' }, ...f.evidence.map(evidenceRow)) : undefined,
    f.fixes.length ? h('h4', {}, f.fixes.every((x) => x.state === 'manual') ? t('toDo') : t('fix')) : undefined,
    f.fixes.length ? h('ul', { class: 'fixes' }, ...f.fixes.map((x) => fixRow(f, x))) : undefined,
    h('h4', {}, t('sources')),
    h('ul', { class: 'sources muted' }, ...f.source.map((s) => h('li', {}, s))),
    h('div', { class: 'muted rule-id mono' }, f.id),
  );
  c.append(body);
  return c;
}

/** The .vmx's "Created on vSphere…" choice, or the API VM's inferred guess; only when the rules depend on it. */
function createdOnRow(c: CreatedOnView): HTMLElement | undefined {
  if (!c.relevant) return undefined;
  if (c.mode === 'inferred') {
    return h('div', { class: 'created-on muted', id: 'created-on' }, icon('history'), ' ',
      c.value ? t('createdOnInferred', c.value, c.reason ?? '') : t('createdOnNotInferred'));
  }
  const options = [{ value: '', label: t('createdOnUnknown') }, ...c.choices.map((v, i) => ({ value: v, label: i === 0 ? t('createdOnOlder', v) : t('createdOnVersion', v) }))];
  const chooser = select(options, c.value, (version) => {
    if (version !== c.value) void actions.setCreatedOn(version);
  }, { id: 'created-on-select', ariaLabel: t('createdOn'), disabled: busy });
  return h('div', { class: 'created-on row', id: 'created-on' },
    h('label', { for: 'created-on-select' }, icon('history'), ` ${t('createdOn')}`), chooser,
    h('span', { class: 'muted' }, t('createdOnHelp')));
}

function findingsSection(r: BackupReport): HTMLElement {
  const sec = h('section', { class: 'findings', 'aria-label': t('findings') });
  if (!r.findings.length) {
    sec.append(h('div', { class: 'all-clear' }, icon('pass-filled', 'ok'), ` ${t('noFindings')}`));
  }
  for (const sev of ['error', 'warning', 'info'] as const) {
    const list = r.findings.filter((f) => f.severity === sev);
    if (!list.length) continue;
    sec.append(h('h2', { class: 'sev-heading' }, icon(SEV_ICON[sev], `sev-${sev}`), ` ${t(sev)} `, h('span', { class: 'count' }, String(list.length))));
    for (const f of list) sec.append(findingCard(f));
  }
  if (r.resolved.length) {
    sec.append(h('h2', { class: 'sev-heading' }, icon('pass-filled', 'ok'), ` ${t('resolved')}`));
    sec.append(h('ul', { class: 'resolved' }, ...r.resolved.map((x) => h('li', { 'data-key': x.key }, icon('check', 'ok'), ' ', h('s', {}, x.title)))));
  }
  return sec;
}

const OUTCOME_ICON: Record<string, string> = {
  completed: 'pass', incomplete: 'warning', failed: 'error', 'terminated-at-stop-time': 'watch', running: 'loading',
};

function outcomeTag(o: string): HTMLElement {
  return h('span', { class: `outcome outcome-${o}` }, icon(OUTCOME_ICON[o] ?? 'circle'), ` ${t(o)}`);
}

function timeline(l: LogsView): HTMLElement {
  const times = l.jobs.flatMap((j) => [j.start, j.end]).filter((x): x is number => x !== undefined);
  const min = Math.min(...times);
  const max = Math.max(...times);
  const span = Math.max(max - min, 60_000);
  const table = h('table', { class: 'jobs' },
    h('thead', {}, h('tr', {}, h('th', {}, t('job')), h('th', {}, t('vms')), h('th', {}, t('outcome')), h('th', {}, `${t('start')} (UTC)`), h('th', {}, `${t('end')} (UTC)`), h('th', { class: 'track-col' }, ''))),
  );
  const tbody = h('tbody');
  for (const j of l.jobs) {
    const track = h('div', { class: 'track' });
    if (j.start !== undefined) {
      const bar = h('div', { class: `bar bar-${j.outcome}`, title: `${j.name}: ${t(j.outcome)}` });
      const s = ((j.start - min) / span) * 100;
      const e = (((j.end ?? j.start) - min) / span) * 100;
      bar.style.left = `${s}%`;
      bar.style.width = `max(4px, ${Math.max(0, e - s)}%)`;
      track.append(bar);
    }
    tbody.append(h('tr', {},
      h('td', {}, h('span', { class: 'job-name' }, j.job || j.name)),
      h('td', {}, j.vms.join(', ') || '—'),
      h('td', {}, outcomeTag(j.outcome)),
      h('td', { class: 'nowrap' }, fmtTime(j.start)),
      h('td', { class: 'nowrap' }, evidenceLink({ ...j.where, label: j.end !== undefined ? fmtTime(j.end) : j.where.label })),
      h('td', { class: 'track-col' }, track),
    ));
  }
  table.append(tbody);
  const axis = h('div', { class: 'axis muted' }, h('span', {}, fmtTime(min)), h('span', {}, fmtTime(max)));
  return h('div', { class: 'table-wrap' }, table, times.length ? axis : undefined, l.jobsDropped ? h('p', { class: 'muted' }, t('older', String(l.jobsDropped))) : undefined);
}

function vmTable(l: LogsView): HTMLElement {
  const outcomes = ['completed', 'incomplete', 'failed', 'terminated-at-stop-time'];
  return h('table', { class: 'vms' },
    h('thead', {}, h('tr', {}, h('th', {}, 'VM'), h('th', { class: 'num' }, t('runs')), ...outcomes.map((o) => h('th', { class: 'num' }, outcomeTag(o))), h('th', {}, t('lastOutcome')))),
    h('tbody', {}, ...l.vms.map((v) => h('tr', {},
      h('td', {}, h('strong', {}, v.vm)),
      h('td', { class: 'num' }, String(v.runs)),
      ...outcomes.map((o) => h('td', { class: `num ${v.outcomes[o] && o !== 'completed' ? 'hot' : ''}` }, v.outcomes[o] ? String(v.outcomes[o]) : '·')),
      h('td', {}, v.last ? outcomeTag(v.last) : '—'),
    ))),
  );
}

function errorTable(l: LogsView): HTMLElement {
  return h('table', { class: 'errors' },
    h('thead', {}, h('tr', {}, h('th', {}, t('code')), h('th', {}, t('layer')), h('th', { class: 'num' }, t('count')), h('th', {}, `${t('firstSeen')} (UTC)`), h('th', {}, `${t('lastSeen')} (UTC)`), h('th', {}, t('vms')))),
    h('tbody', {}, ...l.errors.map((g) => h('tr', { 'data-code': g.code ?? '' },
      h('td', {}, h('span', { class: 'mono code' }, g.label), g.meaning ? h('div', { class: 'muted' }, g.meaning) : undefined),
      h('td', {}, g.source),
      h('td', { class: 'num' }, h('vscode-badge', { variant: 'counter' }, String(g.count))),
      h('td', {}, evidenceLink(g.first), h('div', { class: 'muted' }, fmtTime(g.first.time))),
      h('td', {}, evidenceLink(g.last), h('div', { class: 'muted' }, fmtTime(g.last.time))),
      h('td', {}, g.vms.join(', ') || (g.duringRuns?.length ? h('span', { title: t('duringRunsHint') }, `${g.duringRuns.join(', ')} *`) : '—')),
    ))),
  );
}

function logsSection(r: BackupReport): HTMLElement {
  const sec = h('section', { class: 'logs' });
  const files = h('div', { class: 'files row' }, h('span', { class: 'muted' }, `${t('logFiles')}:`));
  for (const f of r.logFiles) {
    const info = r.logs?.files.find((x) => x.uri === f.uri);
    const chip = h('span', { class: 'chip' }, icon('output'), ' ', evidenceLink({ kind: 'log', label: f.label, text: '', uri: f.uri, line: 1 }),
      info ? h('span', { class: 'muted' }, ` · ${t('lines', String(info.lines))}`) : undefined);
    const rm = h('a', { href: '#', class: 'chip-remove', title: t('remove'), 'aria-label': `${t('remove')} ${f.label}` }, icon('close'));
    rm.addEventListener('click', (ev) => { ev.preventDefault(); void actions.removeLog(f.uri); });
    chip.append(rm);
    files.append(chip);
  }
  if (!r.logFiles.length) files.append(h('span', { class: 'muted' }, t('noLogs')));
  sec.append(files);
  const l = r.logs;
  if (!l) return sec;
  if (l.lines.raw) sec.append(h('p', { class: 'muted' }, t('unparsed', String(l.lines.raw))));
  if (l.jobs.length) sec.append(h('h2', {}, icon('history'), ` ${t('jobs')}`), timeline(l));
  if (l.vms.length) sec.append(h('h2', {}, icon('vm'), ` ${t('byVm')}`), h('div', { class: 'table-wrap' }, vmTable(l)));
  if (l.errors.length) sec.append(h('h2', {}, icon('bug'), ` ${t('byCode')}`), h('div', { class: 'table-wrap' }, errorTable(l)));
  return sec;
}

function header(r: BackupReport): HTMLElement {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of r.findings) counts[f.severity]++;
  const recheck = button(t('recheck'), () => void actions.recheck(), { icon: 'refresh', id: 'recheck', disabled: busy });
  const add = button(t('addLogs'), () => void actions.addLogs(), { icon: 'add', secondary: true, disabled: busy });
  const fetch = button(t('fetchSsh'), () => void actions.fetchLogs(), { icon: 'remote', secondary: true, disabled: busy });
  const power = r.powerState ? h('span', { class: `power power-${r.powerState}` }, icon(r.powerState === 'poweredOn' ? 'vm-running' : 'vm-outline'), ` ${r.powerState}`) : undefined;
  return h('header', {},
    h('div', { class: 'title-row' },
      h('h1', {}, icon('shield'), ` ${r.title}`),
      h('div', { class: 'summary' },
        ...(['error', 'warning', 'info'] as const).map((s) => h('span', { class: `sum sum-${s}`, title: t(s) }, icon(SEV_ICON[s], `sev-${s}`), ` ${counts[s]}`)),
      ),
    ),
    h('div', { class: 'muted subtitle' }, r.subtitle, power ? ' · ' : '', power, ` · ${t('checkedAt', fmtLocal(r.checkedAt))}`),
    h('div', { class: 'row actions' }, recheck, add, fetch),
  );
}

/** Made once the strings arrived (init); the same element across renders. */
let progress: ProgressBar;

function render(state: PanelState): void {
  const { report: r, flash } = state;
  busy = state.busy;
  app.replaceChildren();
  app.toggleAttribute('aria-busy', busy);
  if (!r) {
    app.append(h('p', { class: 'muted' }, t('checking')), progress.el);
    progress.el.hidden = false;
    return;
  }
  app.append(header(r), progress.el);
  if (flash) app.append(h('div', { class: `flash ${flash.ok ? 'flash-ok' : 'flash-bad'}`, role: 'status' }, icon(flash.ok ? 'pass' : 'warning'), ` ${flash.text}`));
  for (const p of r.problems) app.append(h('div', { class: 'flash flash-bad', role: 'alert' }, icon('warning'), ` ${p}`));
  const created = r.createdOn ? createdOnRow(r.createdOn) : undefined;
  if (created) app.append(created);
  app.append(findingsSection(r), logsSection(r));
}

store.subscribe(render);
client.on('progress', (p) => progress?.update(p));
client.on('report', (r) => actions.pushed(r));

void client.initialized.then(async ({ state }) => {
  progress = progressBar({ message: t('checking'), onCancel: actions.cancel });
  client.saveState(state);
  render(store.state);
  await actions.recheck();
});
