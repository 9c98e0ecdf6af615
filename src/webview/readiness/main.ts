/**
 * Backup readiness matrix (browser side): VM × rule with severity colours, counts per rule in the
 * column heads (click a head to sort by it, click a count to select the VMs with it), a filter by
 * name/path and severity, a cell opens the finding (explanation, sources, evidence that opens at its
 * line), selected VMs get one fix (powered-off only, or shut down / apply / power on, N at a time)
 * with every step listed, CSV export. State and actions: ./state.
 */
import { adoptStyles, h, icon } from '../shared/dom';
import { t } from '../shared/l10n';
import { banner, button, progressBar, select } from '../shared/ui';
import type { FindingCell, MatrixRule, MatrixVm } from './protocol';
import { actions, client, store, visibleRows, type PanelState } from './state';
import { css } from './styles';

adoptStyles(css);
const app = document.getElementById('app')!;
const bar = progressBar({ message: '', onCancel: () => actions.cancel() });
const SEV_ICON: Record<string, string> = { error: 'error', warning: 'warning', info: 'info' };

function header(s: Readonly<PanelState>): HTMLElement {
  const v = s.view;
  const search = h('input', { type: 'search', id: 'filter', placeholder: t('Filter by VM or path'), 'aria-label': t('Filter by VM or path') }) as HTMLInputElement;
  search.value = s.filter;
  search.addEventListener('input', () => actions.setFilter(search.value));
  const errors = v ? v.vms.filter((x) => x.findings.some((f) => f.severity === 'error')).length : 0;
  const withAny = v ? v.vms.filter((x) => x.findings.length).length : 0;
  return h('header', {},
    h('h1', {}, icon('shield'), t('Backup readiness')),
    v ? h('div', { class: 'summary', id: 'summary' }, t('{0} VMs checked · {1} with findings · {2} with errors · vmware.log read {3} · {4} ms', v.vms.length, withAny, errors, v.logs.read, v.ms)) : '',
    h('div', { class: 'toolbar' },
      button([icon('refresh'), ' ', t('Check again')], () => void actions.sweep(), { id: 'recheck', disabled: !!s.busy }),
      search,
      select([
        { value: 'any', label: t('VMs with findings') }, { value: 'warning', label: t('Errors and warnings') },
        { value: 'error', label: t('Errors only') }, { value: 'all', label: t('All VMs') },
      ], s.severity, (x) => actions.setSeverity(x as PanelState['severity']), { id: 'severity', ariaLabel: t('Show') }),
      button([icon('export'), ' ', t('Export CSV')], () => void actions.exportCsv(), { id: 'export', secondary: true, disabled: !v })),
    bar.el);
}

function cellOf(v: MatrixVm, r: MatrixRule, s: Readonly<PanelState>): HTMLElement {
  const f = v.findings.find((x) => x.code === r.code);
  if (!f) return h('td', { class: 'cell', 'data-rule': r.code });
  const open = s.open?.vm === v.ref && s.open.code === r.code;
  const td = h('td', { class: `cell sev-${f.severity}${open ? ' open' : ''}`, title: f.title, 'data-rule': r.code, 'data-severity': f.severity, tabindex: '0' }, icon(SEV_ICON[f.severity]));
  td.addEventListener('click', () => actions.openCell(v.ref, r.code));
  td.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') actions.openCell(v.ref, r.code); });
  return td;
}

function matrix(s: Readonly<PanelState>, rows: MatrixVm[]): HTMLElement {
  const v = s.view!;
  const rules = v.rules.filter((r) => (v.counts[r.code] ?? 0) > 0 || s.severity === 'all');
  const th = (label: string, key: string, cls = ''): HTMLElement => {
    const e = h('th', { class: `${cls}${s.sort === key ? ' sorted' : ''}`, 'data-sort': key }, label);
    e.addEventListener('click', () => actions.sortBy(key));
    return e;
  };
  const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': t('Select all') }) as HTMLInputElement;
  all.checked = rows.length > 0 && rows.every((r) => s.selected.includes(r.ref));
  all.addEventListener('change', () => actions.selectAll(all.checked));
  const ruleHead = (r: MatrixRule): HTMLElement => {
    const n = h('span', { class: 'n', title: t('Select the VMs with this finding') }, String(v.counts[r.code] ?? 0));
    n.addEventListener('click', (e) => { e.stopPropagation(); actions.selectWith(r.code); });
    const e = th(r.label, r.code, 'rule');
    e.title = `${r.code}\n${t('Generations: {0}', r.generations)}\n${t('Guests: {0}', r.guests)}\n${r.source.join('\n')}`;
    e.append(n);
    return e;
  };
  const head = h('tr', {}, h('th', {}, all), th(t('VM'), 'name'), th(t('Path'), 'path'), th(t('Worst'), 'worst'), ...rules.map(ruleHead));
  const body = rows.map((x) => {
    const box = h('input', { type: 'checkbox', 'aria-label': x.name, 'data-vm': x.name }) as HTMLInputElement;
    box.checked = s.selected.includes(x.ref);
    box.addEventListener('change', () => actions.toggle(x.ref));
    const worst = x.findings[0]?.severity;
    return h('tr', { class: s.selected.includes(x.ref) ? 'selected' : '', 'data-vm': x.name },
      h('td', {}, box), h('td', { class: 'vm', title: x.generation ?? '' }, x.name), h('td', { class: 'path' }, x.path),
      h('td', { class: worst ? `sev-${worst}` : '' }, worst ? icon(SEV_ICON[worst]) : icon('pass', 'ok')),
      ...rules.map((r) => cellOf(x, r, s)));
  });
  return h('div', { class: 'matrix-wrap' }, h('table', { class: 'matrix', id: 'matrix' }, h('thead', {}, head), h('tbody', {}, ...body)));
}

function detail(s: Readonly<PanelState>): HTMLElement | undefined {
  const vm = s.open && s.view?.vms.find((x) => x.ref === s.open!.vm);
  const f: FindingCell | undefined = vm?.findings.find((x) => x.code === s.open!.code);
  if (!vm || !f) return undefined;
  const ev = f.evidence.map((e) => {
    const label = e.uri ? h('a', { 'data-evidence': e.label }, e.label) : h('span', {}, e.label);
    if (e.uri) label.addEventListener('click', () => void actions.openEvidence(e.uri!, e.line));
    return h('li', { class: 'ev' }, label, ' ', e.text);
  });
  return h('section', { class: 'detail', id: 'detail' },
    h('h3', { class: `sev-${f.severity}` }, icon(SEV_ICON[f.severity]), `${vm.name}: ${f.title}`),
    h('p', {}, f.explanation),
    ev.length ? h('ul', {}, ...ev) : '',
    vm.log && vm.log !== 'read' ? h('p', { class: 'muted small' }, t('vmware.log: {0}', vm.logMessage ?? vm.log)) : '',
    h('p', { class: 'muted small' }, `${f.code} · ${vm.generation ?? ''} · ${t('Sources')}: ${f.source.join('; ')}`));
}

function fixBar(s: Readonly<PanelState>): HTMLElement | undefined {
  const v = s.view;
  const fixes = (v?.rules ?? []).filter((r) => r.fix && (v!.counts[r.code] ?? 0) > 0);
  if (!fixes.length) return undefined;
  const kind = s.fixKind && fixes.some((r) => r.fix!.kind === s.fixKind) ? s.fixKind : fixes[0].fix!.kind;
  if (kind !== s.fixKind) queueMicrotask(() => actions.setFix(kind));
  const conc = h('input', { type: 'number', id: 'concurrency', min: '1', max: '8', 'aria-label': t('VMs at once') }) as HTMLInputElement;
  conc.value = String(s.concurrency);
  conc.addEventListener('change', () => actions.setConcurrency(Number(conc.value)));
  const steps = s.steps.map((st) => h('li', { 'data-step-vm': st.name, 'data-step': st.step }, icon(st.step === 'done' ? 'pass' : st.step === 'failed' ? 'error' : st.step === 'skipped' || st.step === 'cancelled' ? 'warning' : 'loading~spin'), h('strong', {}, st.name), ' ', t(`step.${st.step}`), st.message ? h('span', { class: 'muted' }, ` — ${st.message}`) : ''));
  const outcomes = (s.outcomes ?? []).map((o) => h('li', { class: `state-${o.state}`, 'data-outcome': o.name, 'data-state': o.state }, h('strong', {}, o.name), ' ', t(`state.${o.state}`), o.reason ? h('span', { class: 'muted' }, ` — ${o.reason}`) : ''));
  return h('section', { class: 'fixbar', id: 'fixbar' },
    h('div', { class: 'toolbar' },
      h('strong', {}, t('Fix')),
      select(fixes.map((r) => ({ value: r.fix!.kind, label: `${r.fix!.label} (${r.label})` })), kind, (x) => actions.setFix(x), { id: 'fix-kind', ariaLabel: t('Fix') }),
      select([{ value: 'poweredOffOnly', label: t('Only powered-off VMs') }, { value: 'shutdownApplyPowerOn', label: t('Shut down guest, apply, power on') }],
        s.mode, (x) => actions.setMode(x as PanelState['mode']), { id: 'fix-mode', ariaLabel: t('How') }),
      h('label', {}, t('VMs at once'), ' ', conc),
      button([icon('wrench'), ' ', t('Apply to {0} selected', s.selected.length)], () => void actions.fix(), { id: 'apply', disabled: !!s.busy || !s.selected.length })),
    steps.length ? h('ul', { class: 'steps', id: 'steps' }, ...steps) : '',
    outcomes.length ? h('ul', { class: 'steps', id: 'outcomes' }, ...outcomes) : '');
}

function render(s: Readonly<PanelState>): void {
  bar.update(s.progress ?? null);
  app.replaceChildren(header(s));
  if (s.error) app.append(banner('error', s.error));
  if (s.flash) app.append(banner('ok', s.flash));
  const v = s.view;
  if (!v) { if (!s.busy) app.append(h('p', { class: 'muted' }, t('Loading…'))); return; }
  const fb = fixBar(s);
  if (fb) app.append(fb);
  const rows = visibleRows(s);
  if (!rows.length) app.append(banner('ok', v.vms.length ? t('No VM matches; {0} VMs checked.', v.vms.length) : t('No VM below this node.')));
  else app.append(matrix(s, rows));
  const d = detail(s);
  if (d) app.append(d);
  (window as unknown as { __readinessRendered?: number }).__readinessRendered = Date.now();
}

store.subscribe(render);
client.on('progress', (p) => actions.progress(p));
client.on('step', (st) => actions.step(st));
void client.initialized.then(async ({ state }) => {
  client.saveState(state);
  render(store.state);
  await actions.sweep();
});
