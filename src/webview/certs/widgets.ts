/** The wizard's DOM building blocks: elements, buttons, fields, copyable code, banners, dates. */
import { h, icon, type Child } from '../shared/dom';
import { client, t } from './model';

export function el(tag: string, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== undefined && c !== false && c !== null) e.append(c);
  return e;
}
export function button(label: string, onClick: () => void, opts: { secondary?: boolean; disabled?: boolean; icon?: string; id?: string } = {}): HTMLElement {
  const b = el('vscode-button', { ...(opts.secondary ? { secondary: true } : {}), ...(opts.disabled ? { disabled: true } : {}), ...(opts.icon ? { icon: opts.icon } : {}), ...(opts.id ? { id: opts.id } : {}) }, label);
  b.addEventListener('click', () => { if (!(b as HTMLElement & { disabled?: boolean }).disabled) onClick(); });
  return b;
}
export function textfield(id: string, label: string, value: string, onInput: (v: string) => void, opts: { type?: string; placeholder?: string; wide?: boolean } = {}): HTMLElement {
  const f = el('vscode-textfield', { id, ...(opts.type ? { type: opts.type } : {}), ...(opts.placeholder ? { placeholder: opts.placeholder } : {}) }) as HTMLElement & { value: string };
  f.value = value;
  f.addEventListener('input', () => onInput(f.value));
  return h('div', { class: `field${opts.wide ? ' wide' : ''}` }, h('label', { for: id }, label), f);
}
export function codeblock(text: string, id: string): HTMLElement {
  return h('div', { class: 'codeblock' }, h('pre', { id }, text), copyButton(text));
}
export function copyButton(text: string): HTMLElement {
  const b = button(t('copy'), () => {
    void client.request('copy', { text }).then(() => { b.textContent = t('copied'); setTimeout(() => (b.textContent = t('copy')), 1500); });
  }, { secondary: true, icon: 'copy' });
  b.setAttribute('aria-label', t('copy'));
  return b;
}
export function banner(kind: 'ok' | 'error' | 'warning', text: string, extra?: Child): HTMLElement {
  const ic = kind === 'ok' ? icon('pass-filled', 'ico-ok') : kind === 'error' ? icon('error', 'ico-error') : icon('warning', 'ico-warning');
  return h('div', { class: `banner b-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ic, h('div', {}, h('div', {}, text), extra));
}
export function fmtDate(iso: string): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '';
}
