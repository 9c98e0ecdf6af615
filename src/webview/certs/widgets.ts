/**
 * The wizard's DOM building blocks: the webview kit's pieces (src/webview/shared/ui.ts) under the
 * names the steps use, a copyable code block whose Copy goes through the host, and dates.
 */
import { h } from '../shared/dom';
import { copyBlock } from '../shared/ui';
import { client } from './model';

export { banner, button, textField as textfield } from '../shared/ui';

/** Any element (vscode-textarea, vscode-checkbox, vscode-progress-ring…): the kit's `h`. */
export const el = h;

/** Text in a <pre id=…> with a Copy button (the host copies: the clipboard API is not reliable in webviews). */
export function codeblock(text: string, id: string): HTMLElement {
  return copyBlock(text, id, (value) => client.request('copy', { text: value }));
}

export function fmtDate(iso: string): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '';
}
