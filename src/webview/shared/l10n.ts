/**
 * UI strings in the webview: the extension localises them (vscode.l10n.t, see
 * src/extension/<panel>/strings.ts) and sends them with `init`; `PanelClient` installs them here
 * before `initialized` resolves. The browser holds no English copies: a key the extension did not
 * send shows as the key itself (and is logged once), so a forgotten string is visible, not hidden.
 */
import type { UiStrings } from '../protocol';

let table: UiStrings = {};
let lang = 'en';
const warned = new Set<string>();

/** Installs the strings and locale from `init` (PanelClient does this; tests may too). */
export function setStrings(strings: UiStrings, locale = lang): void {
  table = strings;
  lang = locale;
}

/** The string `key` with `{0}`, `{1}`… replaced by `args`. */
export function t(key: string, ...args: Array<string | number>): string {
  let s = table[key];
  if (s === undefined) {
    if (!warned.has(key)) {
      warned.add(key);
      console.warn(`vSphere Lab: no UI string "${key}"`);
    }
    s = key;
  }
  return s.replace(/\{(\d+)\}/g, (_, i: string) => {
    const a = args[Number(i)];
    return a === undefined ? '' : String(a);
  });
}

/** The user's VS Code display language (e.g. 'fr'), for dates and numbers. */
export function locale(): string {
  return lang;
}
