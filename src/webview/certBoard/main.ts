/**
 * The Certificates board (browser side): every host's certificate and the vCenter's, with their
 * chains, in one table sorted by expiry and coloured at the warning thresholds; hosts selected here
 * are rotated in one run (CSRs, import, deploy), each host's outcome shown in its row. State and
 * actions: ./state; this file draws the page from the state.
 */
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { expiryLevel } from '../../core/certs/board';
import { adoptStyles, h, icon } from '../shared/dom';
import { t } from '../shared/l10n';
import { banner, button, select, spinner } from '../shared/ui';
import type { ExpiryCert, ExpiryRow, HostRotation } from './protocol';
import { actions, client, sortedRows, store, type BoardState, type SortKey } from './state';
import { css } from './styles';

adoptStyles(css);
const app = document.getElementById('app')!;

function daysPill(days: number | undefined, warnDays: readonly number[]): HTMLElement {
  const level = expiryLevel(days, warnDays);
  const text = days === undefined ? '—' : days < 0 ? t('expired {0} d ago', -days) : t('{0} d', days);
  return h('span', { class: `days lvl-${level}`, 'data-level': level }, text);
}

function shortSha(sha?: string): HTMLElement | string {
  return sha ? h('span', { class: 'mono sha', title: sha }, `${sha.slice(0, 17)}…`) : '—';
}

const ROTATION_ICON: Record<HostRotation['status'], string> = {
  pending: 'circle-outline', running: 'loading~spin', new: 'pass', old: 'debug-step-back', other: 'warning', failed: 'error', skipped: 'circle-slash',
};

function rotationCell(r: HostRotation | undefined): HTMLElement | string {
  if (!r) return '';
  const label: Record<HostRotation['status'], string> = {
    pending: t('waiting'), running: t('deploying…'), new: t('new certificate live'), old: t('rolled back: old certificate live'),
    other: t('serves another certificate'), failed: t('failed'), skipped: t('skipped: no certificate imported'),
  };
  return h('div', { class: `rot rot-${r.status}`, 'data-rotation': r.status },
    icon(ROTATION_ICON[r.status]), ' ', label[r.status], r.route ? h('span', { class: 'muted' }, ` (${r.route})`) : '',
    r.error ? h('div', { class: 'small error' }, r.error) : '');
}

function chainLine(c: ExpiryCert, warnDays: readonly number[]): HTMLElement {
  return h('div', { class: 'chain' }, icon('arrow-small-right'), ' ', h('span', { title: c.issuer }, c.subject), ' · ', c.notAfter.slice(0, 10), ' ', daysPill(c.daysLeft, warnDays));
}

function rowEl(r: ExpiryRow, s: Readonly<BoardState>): HTMLElement {
  const c = r.cert;
  const selectable = r.role === 'host' && !!r.endpoint && !!c;
  const box = h('input', { type: 'checkbox', 'aria-label': t('Select {0}', r.name), disabled: !selectable || !!s.running }) as HTMLInputElement;
  box.checked = s.selected.includes(r.id);
  box.addEventListener('change', () => actions.toggle(r.id, box.checked));
  const level = expiryLevel(r.daysLeft, s.warnDays);
  return h('tr', { class: `lvl-row-${level}${r.error ? ' has-error' : ''}`, 'data-row': r.id, 'data-level': level },
    h('td', {}, r.role === 'host' ? box : ''),
    h('td', {}, h('div', { class: 'name' }, icon(r.role === 'vcenter' ? 'server-environment' : 'server'), ' ', h('strong', {}, r.name)),
      h('div', { class: 'muted small' }, [r.product, r.endpoint].filter(Boolean).join(' · '))),
    h('td', {}, c ? h('div', {}, c.subject) : '', c ? h('div', { class: 'muted small' }, t('issued by {0}', c.issuer)) : '',
      ...r.chain.map((x) => chainLine(x, s.warnDays)),
      r.error ? h('div', { class: 'error' }, icon('error'), ' ', r.error.message) : '',
      ...r.notes.map((n) => h('div', { class: 'muted small' }, icon('info'), ' ', n))),
    h('td', { class: 'nowrap' }, c?.key ?? '—'),
    h('td', { class: 'nowrap' }, c ? c.notAfter.slice(0, 10) : '—'),
    h('td', { class: 'num' }, daysPill(r.daysLeft, s.warnDays)),
    h('td', {}, shortSha(c?.sha256)),
    h('td', { class: 'small' }, r.source === 'api' ? t('API') : r.source === 'tls' ? t('TLS') : '—', r.route ? h('div', { class: 'muted' }, r.route) : ''),
    h('td', {}, rotationCell(s.rotation[r.id])));
}

function toolbar(s: Readonly<BoardState>): HTMLElement {
  const n = s.selected.length;
  const sorts: Array<{ value: SortKey; label: string }> = [
    { value: 'expiry', label: t('Sort by expiry') }, { value: 'name', label: t('Sort by name') }, { value: 'generation', label: t('Sort by generation') },
  ];
  return h('div', { class: 'toolbar' },
    button([icon('refresh'), ' ', t('Refresh')], () => void actions.load(), { disabled: s.loading || !!s.running, id: 'refresh' }),
    select(sorts, s.sort, (v) => actions.sortBy(v as SortKey), { id: 'sort', ariaLabel: t('Sort') }),
    button([icon('export'), ' ', t('Export CSV')], () => void actions.exportCsv(), { disabled: !s.board, secondary: true, id: 'export' }),
    h('span', { class: 'sep' }),
    button([icon('checklist'), ' ', t('Select expiring')], () => actions.selectExpiring(), { secondary: true, disabled: !s.board || !!s.running, id: 'select-expiring' }),
    button([icon('file-add'), ' ', t('Request CSRs ({0})', n)], () => void actions.requestCsrs(), { disabled: n === 0 || !!s.running, id: 'request-csrs' }),
    button([icon('sync'), ' ', t('Import and rotate ({0})', n)], () => void actions.rotate(), { disabled: n === 0 || !!s.running, id: 'rotate' }),
    s.running ? spinner() : '');
}

function legend(warnDays: readonly number[]): HTMLElement {
  const [a, b, c] = [...warnDays].sort((x, y) => y - x);
  return h('p', { class: 'legend muted small' },
    t('Thresholds:'), ' ',
    h('span', { class: 'days lvl-notice' }, `≤ ${a ?? '—'} d`), ' ',
    b !== undefined ? h('span', { class: 'days lvl-warning' }, `≤ ${b} d`) : '', ' ',
    c !== undefined ? h('span', { class: 'days lvl-critical' }, `≤ ${c} d`) : '', ' ',
    h('span', { class: 'days lvl-expired' }, t('expired')), ' · ', t('setting vsphereLab.certificates.warnDays'));
}

function runSummary(s: Readonly<BoardState>): HTMLElement | string {
  const r = s.lastRun;
  if (!r) return '';
  const count = (st: HostRotation['status']) => r.hosts.filter((x) => x.status === st).length;
  const failed = r.hosts.length - count('new') - count('skipped');
  const text = t('Rotation: {0} new, {1} rolled back, {2} other or failed, {3} skipped.', count('new'), count('old'), failed - count('old'), count('skipped'));
  return h('div', { id: 'run-summary' }, banner(failed > 0 ? 'warning' : 'ok', text),
    ...r.unmatched.map((u) => h('p', { class: 'muted small' }, icon('info'), ' ', t('{0} was not used: {1}', u.file, u.reason))),
    ...r.missing.map((m) => h('p', { class: 'muted small' }, icon('warning'), ' ', t('No imported certificate covers {0}.', m))));
}

function render(s: Readonly<BoardState>): void {
  app.replaceChildren();
  app.setAttribute('aria-busy', s.loading ? 'true' : 'false');
  const board = s.board;
  const rows = sortedRows(s.loading && s.partial.length ? s.partial : board?.rows ?? [], s.sort);
  app.append(h('header', {},
    h('h1', {}, icon('workspace-trusted'), t('Certificates'), board ? h('span', { class: 'muted conn' }, board.connection) : ''),
    h('p', { class: 'muted subtitle' }, board ? t('{0} · read {1}', board.product, new Date(board.checkedAt).toLocaleString()) : t('Reading every host\'s certificate…')),
    toolbar(s)));
  if (s.error) app.append(banner('error', s.error));
  if (s.flash) app.append(h('p', { class: 'flash' }, icon('check'), ' ', s.flash));
  if (s.loading) app.append(h('p', { class: 'muted', id: 'progress' }, spinner(), ' ', s.progress ? t('Read {0} of {1}…', s.progress.done, s.progress.total) : t('Loading…')));
  app.append(runSummary(s));
  app.append(legend(s.warnDays));
  const head = h('tr', {}, ...['', t('Server'), t('Certificate and chain'), t('Key'), t('Expires'), t('Days left'), t('SHA-256'), t('Read by / route'), t('Rotation')].map((x) => h('th', {}, x)));
  app.append(h('table', { class: 'board', id: 'board' }, h('thead', {}, head), h('tbody', {}, ...rows.map((r) => rowEl(r, s)))));
  if (!s.loading && board && board.rows.length === 0) app.append(h('p', { class: 'muted' }, t('This connection has no host.')));
  (window as unknown as { __certBoardRendered?: number }).__certBoardRendered = Date.now();
}

store.subscribe(render);
client.on('row', (e) => actions.row(e.row, e.done, e.total));
client.on('rotation', (e) => actions.rotationEvent(e));

void client.initialized.then(async ({ state }) => {
  actions.restore(state);
  store.flush();
  render(store.state);
  await actions.load();
});
