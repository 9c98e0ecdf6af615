/**
 * The panels' UI pieces, built on @vscode-elements (the successor of the Webview UI Toolkit) and
 * the helpers in ./dom. Each returns a plain element; events go to the callbacks you pass (actions
 * of your store, see ./store), never to global state here.
 *
 *   button(label, onClick, opts)        vscode-button; label = text or children (icon(), ' ', text)
 *   select(options, value, onChange)    vscode-single-select with vscode-option children
 *   textField(id, label, value, onInput) label + vscode-textfield in a `.field` box
 *   banner(kind, text, extra?)          ok / warning / error box (role status or alert)
 *   copyBlock(text, id, copy)           <pre> with a Copy button (the host copies: the clipboard API
 *                                       is not reliable in webviews)
 *   progressBar({ onCancel })           message + bar + Cancel, updated in place with `.update()`
 *   spinner()                           vscode-progress-ring
 *
 * Element registration: this module registers vscode-button, vscode-single-select and vscode-option
 * (every panel uses them). A panel that calls `textField()` or `spinner()` imports
 * '@vscode-elements/elements/dist/vscode-textfield/index.js' or '.../vscode-progress-ring/index.js'
 * itself, so panels without them stay small.
 *
 * Strings: the kit's own labels ("Copy", "Copied", "Cancel") come from the kit keys `kit.*` that
 * every PanelHost sends with `init` (src/extension/panels/strings.ts). The kit's styles are adopted
 * on first use, placed before the panel's own sheet, so a panel can still override them.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { adoptStyles, h, icon, type Child } from './dom';
import { t } from './l10n';

/** The kit's styles, adopted on first use of a piece that needs them (so panels without them stay small). */
const KIT_CSS = `
.field { display: flex; flex-direction: column; gap: 4px; }
.field > label { font-size: 0.92em; color: var(--vscode-descriptionForeground); }
.codeblock { position: relative; }
.codeblock pre { margin: 4px 0 10px; padding-right: 90px; max-height: 150px; overflow: auto; }
.codeblock vscode-button { position: absolute; top: 6px; right: 6px; }
.banner { display: flex; gap: 10px; align-items: flex-start; padding: 10px 12px; border-radius: 4px; margin: 10px 0; border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); }
.banner.b-ok { border-color: var(--vscode-testing-iconPassed); }
.banner.b-error { border-color: var(--vscode-inputValidation-errorBorder, var(--vscode-problemsErrorIcon-foreground)); background: var(--vscode-inputValidation-errorBackground, transparent); }
.banner.b-warning { border-color: var(--vscode-problemsWarningIcon-foreground); }
.banner .codicon { margin-top: 2px; }
.progress { margin: 8px 0; }
.progress-text { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 4px; }
.progress-track { height: 4px; background: var(--vscode-editorWidget-background, rgba(128,128,128,.2)); border-radius: 2px; overflow: hidden; }
.progress-fill { height: 100%; width: 0; background: var(--vscode-progressBar-background); transition: width .1s linear; }
`;
let kitStyled = false;
function kitStyles(): void {
  if (kitStyled) return;
  kitStyled = true;
  adoptStyles(KIT_CSS, { first: true });
}

/** A vscode-button (or vscode-single-select…) as the DOM sees it. */
type ValueElement = HTMLElement & { value: string; disabled?: boolean };

export interface ButtonOptions {
  /** A codicon name drawn by vscode-button itself (before the label). */
  icon?: string;
  secondary?: boolean;
  disabled?: boolean;
  id?: string;
  title?: string;
  ariaLabel?: string;
  /** data-* attributes (e.g. `{ fix: 'key#0' }` → data-fix). */
  data?: Record<string, string>;
}

/** A vscode-button; clicks are ignored while it is disabled. */
export function button(label: Child | Child[], onClick: () => void, opts: ButtonOptions = {}): HTMLElement {
  const b = h('vscode-button', {
    secondary: opts.secondary, disabled: opts.disabled, icon: opts.icon, id: opts.id, title: opts.title, 'aria-label': opts.ariaLabel,
  }, ...(Array.isArray(label) ? label : [label]));
  for (const [k, v] of Object.entries(opts.data ?? {})) b.dataset[k] = v;
  b.addEventListener('click', () => {
    if (!(b as ValueElement).disabled && !b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export interface SelectOption {
  value: string;
  label: string;
}

/** A vscode-single-select; `onChange` gets the chosen value. */
export function select(options: readonly SelectOption[], value: string, onChange: (value: string) => void, opts: { id?: string; ariaLabel?: string; disabled?: boolean } = {}): HTMLElement {
  const sel = h('vscode-single-select', { id: opts.id, 'aria-label': opts.ariaLabel }) as ValueElement;
  for (const o of options) sel.append(h('vscode-option', { value: o.value, selected: o.value === value }, o.label));
  if (opts.disabled) sel.setAttribute('disabled', '');
  sel.addEventListener('change', () => onChange(sel.value));
  return sel;
}

/**
 * A labelled vscode-textfield in a `.field` box (`wide` spans a form grid's row). The panel imports
 * '@vscode-elements/elements/dist/vscode-textfield/index.js'.
 */
export function textField(id: string, label: string, value: string, onInput: (value: string) => void, opts: { type?: string; placeholder?: string; wide?: boolean } = {}): HTMLElement {
  kitStyles();
  const f = h('vscode-textfield', { id, type: opts.type, placeholder: opts.placeholder }) as ValueElement;
  f.value = value;
  f.addEventListener('input', () => onInput(f.value));
  return h('div', { class: `field${opts.wide ? ' wide' : ''}` }, h('label', { for: id }, label), f);
}

export type BannerKind = 'ok' | 'warning' | 'error';

/** A message box: errors are alerts (read at once by screen readers), the rest status. */
export function banner(kind: BannerKind, text: string, extra?: Child): HTMLElement {
  kitStyles();
  const ic = kind === 'ok' ? icon('pass-filled', 'ico-ok') : kind === 'error' ? icon('error', 'ico-error') : icon('warning', 'ico-warning');
  return h('div', { class: `banner b-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ic, h('div', {}, h('div', {}, text), extra));
}

/** A Copy button: `copy` does the copying (a request to the host); the label says "Copied" for 1.5 s. */
export function copyButton(text: string, copy: (text: string) => Promise<unknown>): HTMLElement {
  const b = button(t('kit.copy'), () => {
    void copy(text).then(() => {
      b.textContent = t('kit.copied');
      setTimeout(() => (b.textContent = t('kit.copy')), 1500);
    });
  }, { secondary: true, icon: 'copy', ariaLabel: t('kit.copy') });
  return b;
}

/** Text in a <pre id=…> with a Copy button over its corner. */
export function copyBlock(text: string, id: string, copy: (text: string) => Promise<unknown>): HTMLElement {
  kitStyles();
  return h('div', { class: 'codeblock' }, h('pre', { id }, text), copyButton(text, copy));
}

/** A vscode-progress-ring; the panel imports '@vscode-elements/elements/dist/vscode-progress-ring/index.js'. */
export function spinner(): HTMLElement {
  return h('vscode-progress-ring');
}

export interface ProgressUpdate {
  message: string;
  /** 0..1 */
  fraction?: number;
}

export interface ProgressBar {
  /** Append it where it belongs; it keeps its state across re-renders (the same element is reused). */
  readonly el: HTMLElement;
  /** Shows the message and fraction, or hides the bar (null). */
  update(p: ProgressUpdate | null): void;
}

/**
 * A hidden progress box: message, Cancel (when `onCancel` is given) and a thin bar. Ids
 * `progress`, `progress-message` and `progress-fill` are set for tests; one bar per panel.
 */
export function progressBar(opts: { message: string; onCancel?: () => void }): ProgressBar {
  kitStyles();
  const message = h('span', { id: 'progress-message' }, opts.message);
  const fill = h('div', { class: 'progress-fill', id: 'progress-fill' });
  const text = h('div', { class: 'progress-text' }, message);
  if (opts.onCancel) text.append(button(t('kit.cancel'), opts.onCancel, { secondary: true }));
  const el = h('div', { class: 'progress', id: 'progress', hidden: true }, text, h('div', { class: 'progress-track' }, fill));
  return {
    el,
    update(p) {
      el.hidden = p === null;
      if (!p) return;
      message.textContent = p.message;
      fill.style.width = `${Math.round((p.fraction ?? 0) * 100)}%`;
    },
  };
}
