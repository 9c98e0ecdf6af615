/**
 * Memory panel (browser side): the host's place on the reclamation ladder, the VMs that balloon or
 * swap, overhead measured vs documented, and uPlot charts (stacked or lines) decimated to the plot
 * width (min/max per pixel), with synced cursor and zoom, legend toggles, theme colours, CSV and
 * PNG export, and live updates from the host. State and actions: ./state; charts: ./charts; this
 * file draws the page from the state.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import uplotCss from 'uplot/dist/uPlot.min.css';
import type { HostMemory, MemoryView, RangeName, VmMemory } from '../../core/memory/types';
import type { LadderStep } from '../../core/memory/state';
import { adoptStyles, h, icon } from '../shared/dom';
import { t } from '../shared/l10n';
import { button, select } from '../shared/ui';
import { composePng, destroyPlots, renderChart } from './charts';
import { actions, client, store, type PanelState } from './state';
import { css } from './styles';

adoptStyles(uplotCss + css);

const app = document.getElementById('app')!;

const mb = (v: number | undefined, digits = 0) => (v === undefined ? '—' : `${v.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits })} MB`);

// ---- panels ----
function stateBadge(host: HostMemory): HTMLElement {
  const st = host.state ?? 'unknown';
  const glyph = st === 'high' ? 'pass' : st === 'clear' ? 'info' : st === 'soft' ? 'warning' : st === 'unknown' ? 'question' : 'error';
  return h('span', { class: `state state-${st}`, 'data-state': st }, icon(glyph), t(st));
}

/**
 * Where a state lies for this host: "below 629 MB (3.8 %)"; the top state (high) is everything at or
 * above the next state's threshold (free memory exactly at a threshold stays in the state above).
 */
function thresholdCell(s: MemoryView['states'][number], next: MemoryView['states'][number] | undefined, top: boolean): string {
  const at = (r: MemoryView['states'][number]): string => r.thresholdMB === undefined
    ? `${r.pctOfMinFree} % minFree`
    : `${mb(r.thresholdMB)}${r.thresholdPct !== undefined ? ` (${r.thresholdPct.toFixed(1)} %)` : ''}`;
  if (top) return t('at or above {0}', at(next ?? s));
  return t('below {0}', at(s));
}

/** The table's name, minFree for this host, its notes and its sources. */
function tableFacts(v: MemoryView): HTMLElement {
  const st = v.stateTable;
  const minFree = v.host?.minFreeMB;
  return h('div', { class: 'table-facts muted', 'data-table': st.label },
    h('p', {}, h('strong', {}, t('ESX(i) {0} table', st.label)), minFree !== undefined ? ` · ${t('minFree {0} ({1})', mb(minFree), t(st.minFreeRule))}` : ` · ${t(st.minFreeRule)}`),
    ...st.notes.map((n) => h('p', { class: 'small' }, icon('info'), ' ', t(n))),
    h('details', { class: 'sources' }, h('summary', {}, t('Sources')),
      h('ul', {}, ...st.sources.map((src) => h('li', {}, src.url ? h('a', { href: src.url }, src.title) : src.title)))));
}

function ladderPanel(v: MemoryView): HTMLElement | undefined {
  const host = v.host;
  if (!host) return undefined;
  const steps = host.ladder ?? [];
  const rows = v.states.map((s, i) => h('tr', { class: host.state === s.state ? 'current' : '', 'data-state-row': s.state },
    h('td', {}, host.state === s.state ? icon('arrow-right') : ''),
    h('td', {}, h('span', { class: `state state-${s.state}` }, t(s.state))),
    h('td', { class: 'num' }, thresholdCell(s, v.states[i + 1], i === 0)),
    h('td', {}, t(s.triggers))));
  return h('section', { class: 'card ladder', 'aria-label': t('Reclamation ladder') },
    h('h2', {}, icon('layers'), t('Reclamation ladder')),
    h('p', { class: 'muted' }, t('Reclamation as this host\'s generation does it: the ladder below lists its steps in order; what the current state triggers is marked "now".')),
    h('ol', { class: 'steps' }, ...steps.map((s) => h('li', { class: `step ${s.active ? 'active' : ''} ${s.seenOnly ? 'seen' : ''} ${s.next ? 'next' : ''}`, 'data-step': s.step },
      h('div', { class: 'step-head' }, icon(s.active ? 'circle-filled' : s.seenOnly ? 'eye' : s.next ? 'arrow-circle-right' : 'circle-outline'), h('strong', {}, t(s.title)),
        h('span', { class: 'tags' },
          s.active ? h('span', { class: 'tag', title: t('Triggered by this host\'s memory state now.') }, t('now')) : '',
          s.seenOnly ? seenTag(s) : '',
          !s.active && s.next ? h('span', { class: 'tag tag-next' }, t('next')) : '')),
      h('div', { class: 'muted step-detail' }, t(s.detail))))),
    h('div', { class: 'where' },
      h('span', {}, t('This host:'), ' '), stateBadge(host),
      host.freePct !== undefined ? h('span', { class: 'muted' }, t('{0}% free ({1})', host.freePct.toFixed(1), mb(host.freeMB))) : '',
      host.stateSource ? h('span', { class: 'muted' }, host.stateSource === 'counter' ? t('(from mem.state)') : t('(from free memory)')) : ''),
    tableFacts(v),
    h('table', { class: 'states' }, h('thead', {}, h('tr', {}, h('th', {}), h('th', {}, t('State')), h('th', {}, t('Free memory')), h('th', {}, t('What happens')))), h('tbody', {}, ...rows)));
}

/** "seen on N VMs": balloon or swap present although the host's state does not trigger it. */
function seenTag(s: LadderStep): HTMLElement {
  const n = s.seenOnVms ?? 0;
  const label = n === 0 ? t('seen on this host') : n === 1 ? t('seen on 1 VM') : t('seen on {0} VMs', String(n));
  const why = s.step === 'swap'
    ? t('Some VMs hold swapped memory although this host\'s state does not trigger swapping now: a VM memory limit (the VMkernel reclaims down to the limit whatever the host\'s free memory), or pages swapped during earlier contention that stay in the .vswp file until the guest touches them.')
    : t('Some VMs have an inflated balloon although this host\'s state does not trigger ballooning now: a VM memory limit, or a balloon left from earlier contention that deflates slowly.');
  return h('span', { class: 'tag tag-seen', title: why, 'data-seen': String(n) }, icon('info'), ' ', label);
}

function vmRow(v: VmMemory): HTMLElement {
  return h('tr', {},
    h('td', { title: v.name }, v.swapping ? icon('error', 'sev-error') : v.ballooning ? icon('warning', 'sev-warning') : icon('circle-outline', 'muted'), ' ', v.name),
    h('td', { class: 'num' }, mb(v.latest.balloon)), h('td', { class: 'num' }, mb(v.latest.swapped)),
    h('td', { class: 'num' }, mb(v.latest.active)), h('td', { class: 'num' }, mb(v.idleMB)));
}

function hostPanel(host: HostMemory): HTMLElement {
  const reclaiming = host.reclaiming;
  const head = h('thead', {}, h('tr', {}, h('th', {}, t('VM')), h('th', {}, t('Balloon')), h('th', {}, t('Swapped')), h('th', {}, t('Active')), h('th', { title: t('Idle (granted − active)') }, t('Idle'))));
  return h('section', { class: 'card vms' },
    h('h2', {}, icon('vm'), t('VMs reclaimed from')),
    h('div', { class: 'figures' },
      figure(t('Ballooning'), String(host.vms.filter((v) => v.ballooning).length)),
      figure(t('Swapping'), String(host.vms.filter((v) => v.swapping).length)),
      h('div', { title: sharingScope(host) }, figure(host.pageSharing.scope === 'within-vm' ? t('Page sharing saves (within VMs only: salting on)') : t('Page sharing saves'), mb(host.sharingSavedMB))),
      figure(t('Free'), mb(host.freeMB))),
    reclaiming.length
      ? h('div', { class: 'table-scroll' }, h('table', { class: 'vm-table', 'data-list': 'reclaiming' }, head, h('tbody', {}, ...reclaiming.map(vmRow))))
      : h('p', { class: 'ok' }, icon('pass'), ' ', t('No VM is ballooning or swapping.')),
    host.likelyNext.length ? h('h3', {}, t('Likely next (most idle memory)')) : '',
    host.likelyNext.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'vm-table', 'data-list': 'next' }, head.cloneNode(true), h('tbody', {}, ...host.likelyNext.map(vmRow)))) : '');
}

/** Whose pages page sharing shares on this host, and where that is known from. */
function sharingScope(host: HostMemory): string {
  const p = host.pageSharing;
  const scope = p.scope === 'within-vm' ? t('within VMs only (salting on)') : p.scope === 'inter-vm' ? t('across VMs (salting off)')
    : t('across VMs, or within VMs only once the 2015 update sets salting (Mem.ShareForceSalting)');
  const text = p.from === 'option' ? t('{0} (Mem.ShareForceSalting = {1})', scope, String(p.shareForceSalting)) : t('{0} (default of the generation)', scope);
  return `${t('Page sharing')}: ${text}`;
}

function figure(label: string, value: string): HTMLElement {
  return h('div', { class: 'figure' }, h('div', { class: 'figure-value' }, value), h('div', { class: 'figure-label muted' }, label));
}

function vmPanel(v: VmMemory): HTMLElement {
  const est = v.overhead.estimates;
  return h('section', { class: 'card vm' },
    h('h2', {}, icon('vm'), t('This VM')),
    h('div', { class: 'figures' },
      figure(t('Balloon'), mb(v.latest.balloon)), figure(t('Swapped'), mb(v.latest.swapped)),
      figure(t('Consumed'), mb(v.latest.consumed)), figure(t('Active'), mb(v.latest.active)), figure(t('Shared'), mb(v.latest.shared))),
    h('h3', {}, t('Overhead: measured vs documented')),
    h('table', { class: 'overhead' },
      h('tbody', {},
        h('tr', {}, h('td', {}, t('Measured (mem.overhead)')), h('td', { class: 'num' }, mb(v.overhead.measuredMB, 2)), h('td', {})),
        ...est.map((e) => h('tr', { 'data-table': e.table },
          h('td', {}, t('Estimate, vSphere {0} table', e.table)),
          h('td', { class: 'num' }, e.overheadMB === undefined ? t('unknown') : mb(e.overheadMB, 2)),
          h('td', { class: 'muted' }, e.note))))),
    !est.length ? h('p', { class: 'muted' }, t('No estimate: the VM\'s memory size or vCPU count is unknown.')) : '');
}

/** esxtop: which ESX(i) generation the capture comes from (the states follow its table; remembered per file). */
function generationSelect(pick: NonNullable<MemoryView['generationPick']>): HTMLElement[] {
  const options = [...(pick.picked ? [] : [{ value: '', label: t('not known: pick one') }]), ...pick.known.map((g) => ({ value: g, label: `ESX(i) ${g}` }))];
  const sel = select(options, pick.picked ?? '', (g) => { if (g) void actions.chooseGeneration(g); }, { id: 'generation', ariaLabel: t('Generation of this capture') });
  sel.title = t('The capture does not say which ESX(i) generation it comes from; the states follow the table you pick (remembered for this file).');
  return [h('label', { class: 'muted' }, t('Generation of this capture')), sel];
}

function toolbar(v: MemoryView, state: PanelState): HTMLElement {
  const bar = h('div', { class: 'toolbar' });
  if (v.kind !== 'esxtop') {
    const ranges = [
      { value: 'realtime', label: t('Real-time (1 hour, 20 s)') }, { value: 'day', label: t('Past day (5 min)') }, { value: 'week', label: t('Past week (30 min)') },
    ];
    const sel = select(ranges, state.range, (r) => void actions.chooseRange(r as RangeName), { ariaLabel: t('Range') });
    bar.append(h('label', { class: 'muted' }, t('Range')), sel);
    const live = state.live;
    bar.append(button([icon(live ? 'debug-pause' : 'play'), ' ', live ? t('Live') : t('Paused')], () => void actions.toggleLive(),
      { secondary: true, id: 'live', title: live ? t('Pause live updates') : t('Resume live updates') }));
  }
  if (v.kind === 'esxtop' && v.generationPick) bar.append(...generationSelect(v.generationPick));
  const reset = button([icon('zoom-out'), ' ', t('Reset zoom')], () => actions.resetZoom(), { secondary: true, id: 'reset-zoom', disabled: !state.zoom });
  const csv = button([icon('export'), ' ', t('Export CSV')], () => void actions.exportCsv(), { secondary: true, id: 'export-csv' });
  const png = button([icon('file-media'), ' ', t('Export PNG')], () => void actions.exportPng(composePng()), { secondary: true, id: 'export-png' });
  bar.append(reset, csv, png, h('span', { class: 'muted updated' }, t('Updated {0}', new Date(v.updatedAt).toLocaleTimeString())));
  return bar;
}

function render(state: PanelState): void {
  const { view, error, flash } = state;
  destroyPlots();
  app.textContent = '';
  app.removeAttribute('aria-busy');
  if (error && !view) {
    app.append(h('p', { class: 'error' }, icon('error'), ' ', error), retryButton());
    return;
  }
  if (!view) {
    app.append(h('p', { class: 'muted' }, t('Loading…')));
    return;
  }
  const v = view;
  app.append(h('header', {},
    h('h1', {}, icon(v.kind === 'vm' ? 'vm' : v.kind === 'esxtop' ? 'table' : 'server'), v.title, v.host ? stateBadge(v.host) : ''),
    h('p', { class: 'muted subtitle' }, v.subtitle),
    toolbar(v, state)));
  if (error) app.append(h('p', { class: 'error' }, icon('error'), ' ', error));
  if (flash) app.append(h('p', { class: 'flash' }, icon('check'), ' ', flash));
  for (const n of v.notes) app.append(h('p', { class: 'muted note' }, icon('info'), ' ', n));
  // Charts on the left, the host's situation beside them (stacked on narrow panels).
  const side = h('aside', { class: 'side' });
  if (v.kind === 'vm' && v.vm) side.append(vmPanel(v.vm));
  if (v.kind !== 'vm' && v.host) side.append(hostPanel(v.host));
  const lad = ladderPanel(v);
  if (lad) side.append(lad);
  const charts = h('section', { class: 'charts' });
  app.append(h('div', { class: 'layout' }, charts, side));
  if (!v.charts.length) charts.append(h('p', { class: 'muted' }, t('No samples yet for this range. Real-time statistics need the host to be connected; historical ranges need vCenter statistics.')));
  for (const c of v.charts) {
    const box = h('div', { class: 'chart', 'data-chart': c.id });
    charts.append(h('div', { class: 'chart-card' }, h('h3', {}, t(c.title), c.decimated ? h('span', { class: 'muted small' }, ' ', t('(min/max per bucket)')) : ''), box));
    renderChart(c, box);
  }
  (window as unknown as { __memoryRendered?: number }).__memoryRendered = Date.now();
}

function retryButton(): HTMLElement {
  return button([icon('refresh'), ' ', t('Retry')], () => void actions.load());
}


// ---- wiring ----
store.subscribe(render);
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => store.state.view && render(store.state), 150);
}).observe(document.body);
// Theme changes swap the body class and the CSS variables: redraw with the new colours.
new MutationObserver(() => store.state.view && render(store.state)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

client.on('update', (v) => actions.update(v));

void client.initialized.then(async ({ state: s }) => {
  actions.restore(s);
  store.flush();
  render(store.state);
  await actions.load();
});
