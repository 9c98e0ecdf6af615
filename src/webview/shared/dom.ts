/** Small DOM helpers shared by the panels' browser code. */

export type Child = Node | string | undefined | false | null;

/** `h('div', { class: 'row', hidden: true }, child, 'text')` — false/undefined attributes and children are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string | boolean | undefined>, ...children: Child[]): HTMLElementTagNameMap[K];
/** Custom elements (vscode-*) whose types are not registered where the call is made. */
export function h(tag: string, attrs?: Record<string, string | boolean | undefined>, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== undefined && c !== false && c !== null) el.append(c);
  return el;
}

/** A codicon (the font is loaded by the panel host), hidden from screen readers. */
export function icon(name: string, cls = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${cls}`.trim(), 'aria-hidden': 'true' });
}

/**
 * Adds a stylesheet (CSS bundled as text) without an inline <style>, which the CSP forbids.
 * `first` puts it before the sheets already adopted (the kit's, which panels may override).
 */
export function adoptStyles(css: string, opts: { first?: boolean } = {}): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = opts.first ? [sheet, ...document.adoptedStyleSheets] : [...document.adoptedStyleSheets, sheet];
}
