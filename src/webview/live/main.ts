/**
 * Events panel (browser side): a filter (event types, users), the events newest first (time, user,
 * type, message), "Load older" for the next page; new events appear on top while the panel is open.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { adoptStyles, h, icon } from '../shared/dom';
import { locale, t } from '../shared/l10n';
import { banner, button, spinner, textField } from '../shared/ui';
import type { EventRow } from './protocol';
import { actions, client, store, type PanelState } from './state';

adoptStyles(`
  body { padding: 0 12px 16px; }
  .filter { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin: 8px 0 12px; }
  .filter .field { min-width: 220px; }
  table.events { width: 100%; border-collapse: collapse; }
  table.events th { text-align: left; font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border); padding: 4px 8px; }
  table.events td { padding: 3px 8px; vertical-align: top; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); }
  td.time, td.user, td.type { white-space: nowrap; }
  td.type { font-family: var(--vscode-editor-font-family); font-size: 0.92em; }
  tr.fresh td { background: var(--vscode-list-hoverBackground); }
  .status { display: flex; gap: 8px; align-items: center; margin: 10px 0; color: var(--vscode-descriptionForeground); }
  .follow { color: var(--vscode-testing-iconPassed); }
`);

const app = document.getElementById('app')!;
let title = '';

function fmt(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return d.toLocaleString(locale());
  } catch {
    return d.toISOString();
  }
}

function row(e: EventRow, fresh: boolean): HTMLElement {
  return h('tr', { class: fresh ? 'fresh' : undefined, 'data-key': String(e.key) },
    h('td', { class: 'time' }, fmt(e.time)),
    h('td', { class: 'user' }, e.user || t('(system)')),
    h('td', { class: 'type' }, e.type),
    h('td', { class: 'message' }, e.message));
}

function render(s: Readonly<PanelState>): void {
  const filter = h('div', { class: 'filter' },
    textField('types', t('Event types (comma-separated)'), s.types, actions.setTypes, { placeholder: 'VmPoweredOffEvent, VmPoweredOnEvent' }),
    textField('users', t('Users (comma-separated)'), s.users, actions.setUsers, { placeholder: 'administrator@vsphere.local' }),
    button(t('Apply'), () => void actions.apply(), { icon: 'filter', id: 'apply', disabled: s.busy }));
  const table = h('table', { class: 'events', id: 'events' },
    h('thead', {}, h('tr', {}, h('th', {}, t('Time')), h('th', {}, t('User')), h('th', {}, t('Type')), h('th', {}, t('Message')))),
    h('tbody', {}, ...s.events.map((e) => row(e, s.fresh.has(e.key)))));
  const status = h('div', { class: 'status' },
    s.busy ? spinner() : undefined,
    h('span', { class: 'follow' }, icon('radio-tower'), ' ', t('Following new events')),
    h('span', {}, t('{0} events', s.events.length)),
    s.atEnd ? h('span', {}, t('No older events')) : button(t('Load older'), () => void actions.older(), { secondary: true, id: 'older', disabled: s.busy }));
  const parts: HTMLElement[] = [h('h2', {}, title), filter];
  if (s.error) parts.push(banner('error', s.error));
  parts.push(s.events.length ? table : h('p', { class: 'status' }, s.busy ? t('Loading…') : t('No events match.')), status);
  app.replaceChildren(...parts);
}

store.subscribe(render);
client.on('added', (d) => actions.added(d.events));
void client.initialized.then(({ state }) => {
  title = t('Events of {0}', state.name);
  render(store.state);
  void actions.apply();
});
