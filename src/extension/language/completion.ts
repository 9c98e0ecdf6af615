/**
 * Completion in .vmx files: keys at the start of a line (catalog keys not yet in the file; device
 * keys with the indices in use and the next free one, as snippets that prompt for the value), and
 * values after `=` (enum values with their meaning, TRUE/FALSE for booleans, the default).
 */
import * as vscode from 'vscode';
import type { VmxCatalogEntry } from '../../core/vmx/catalog-types';
import type { VmxCompletion } from '../../core/vmx/catalog';
import { keyMarkdown } from './describe';
import { typeLabel } from './labels';
import { catalog, type VmxDocumentCache } from './shared';

export const VMX_TRIGGER_CHARACTERS = ['.', '"', '=', ':'];

/** Enums with more values than this get a plain placeholder and the value list pops up instead. */
const MAX_SNIPPET_CHOICES = 12;

class KeyItem extends vscode.CompletionItem {
  constructor(readonly candidate: VmxCompletion, range: vscode.Range) {
    super(candidate.key, vscode.CompletionItemKind.Property);
    this.range = range;
  }
}

/** Escapes text for a snippet choice (`${1|a,b|}`). */
function choiceEscape(s: string): string {
  return s.replace(/[\\$}|,]/g, '\\$&');
}

/** Escapes literal text in a snippet. */
function snippetEscape(s: string): string {
  return s.replace(/[\\$}]/g, '\\$&');
}

/** `${1|TRUE,FALSE|}`, `${1|lsilogic,…|}` or `$1` (+ whether to open the value list afterwards). */
function valuePlaceholder(entry: VmxCatalogEntry, tab: number): { text: string; suggest: boolean } {
  let choices: string[] | undefined;
  if (entry.type === 'bool') {
    // a key is usually added to change it from its default, so the other value comes first
    choices = entry.default?.toUpperCase() === 'TRUE' ? ['FALSE', 'TRUE'] : ['TRUE', 'FALSE'];
  } else if (entry.values && entry.values.length > 0 && entry.values.length <= MAX_SNIPPET_CHOICES) {
    choices = entry.values.map((v) => v.value);
  }
  if (choices) return { text: `\${${tab}|${choices.map(choiceEscape).join(',')}|}`, suggest: false };
  if (entry.default !== undefined && entry.default !== '') return { text: `\${${tab}:${snippetEscape(entry.default)}}`, suggest: false };
  return { text: `$${tab}`, suggest: (entry.values?.length ?? 0) > 0 };
}

/** The key as a snippet: `{name}` and unresolved `{n}`/`{m}` placeholders become tab stops. */
function keySnippet(key: string): { text: string; next: number } {
  let tab = 1;
  const text = snippetEscape(key).replace(/\\?\{(n|m|name)\\?\}/g, (_w, name: string) => `\${${tab++}:${name === 'name' ? 'name' : '0'}}`);
  return { text, next: tab };
}

function lineKeys(document: vscode.TextDocument, cache: VmxDocumentCache, skipLine: number): string[] {
  const doc = cache.get(document);
  const keys: string[] = [];
  doc.lines.forEach((l, i) => {
    if (i !== skipLine && l.keyStart >= 0 && l.eqColumn >= 0) keys.push(l.text.slice(l.keyStart, l.keyEnd));
  });
  return keys;
}

export class VmxCompletionProvider implements vscode.CompletionItemProvider<vscode.CompletionItem> {
  constructor(private readonly cache: VmxDocumentCache) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): Promise<vscode.CompletionItem[] | undefined> {
    const text = document.lineAt(position.line).text;
    const before = text.slice(0, position.character);
    if (/^\s*#/.test(before)) return undefined;
    const eq = text.indexOf('=');
    if (eq < 0 || position.character <= eq) {
      if (context.triggerCharacter === '"' || context.triggerCharacter === '=') return undefined;
      return this.keys(document, position, text);
    }
    if (/#/.test(text.slice(eq, position.character).replace(/"[^"]*"/g, ''))) return undefined; // in a trailing comment
    return this.values(position, text, eq);
  }

  async resolveCompletionItem(item: vscode.CompletionItem): Promise<vscode.CompletionItem> {
    if (item instanceof KeyItem && !item.documentation) {
      const cat = await catalog();
      const key = item.candidate.kind === 'template' ? item.candidate.entry.key : item.candidate.key;
      const match = cat.lookupKey(key) ?? { entry: item.candidate.entry, captures: {} };
      item.documentation = keyMarkdown(cat, match, { key });
    }
    return item;
  }

  private async keys(document: vscode.TextDocument, position: vscode.Position, text: string): Promise<vscode.CompletionItem[] | undefined> {
    const m = /^(\s*)(\S*)/.exec(text)!;
    const start = m[1].length;
    if (position.character < start) return undefined;
    const end = start + m[2].length;
    const range = new vscode.Range(position.line, start, position.line, Math.max(end, position.character));
    // Editing the key of a line that already has `= value`: insert the key only.
    const keyOnly = /=/.test(text.slice(end)) || /=/.test(m[2]);
    const cat = await catalog();
    const candidates = cat.completionKeys(lineKeys(document, this.cache, position.line));
    const items: vscode.CompletionItem[] = [];
    for (const c of candidates) {
      const item = new KeyItem(c, range);
      const entry = c.entry;
      item.detail = typeLabel(entry.type);
      if (c.kind === 'template') item.kind = vscode.CompletionItemKind.Snippet;
      // device keys first (they are what a file is missing), then plain keys, templates last
      item.sortText = `${c.kind === 'device' ? '0' : c.kind === 'key' ? '1' : '2'}${c.key.toLowerCase()}`;
      const key = c.kind === 'template' ? keySnippet(c.key) : { text: snippetEscape(c.key), next: 1 };
      if (keyOnly) {
        item.insertText = c.kind === 'template' ? new vscode.SnippetString(key.text) : c.key;
      } else {
        const v = valuePlaceholder(entry, key.next);
        item.insertText = new vscode.SnippetString(`${key.text} = "${v.text}"`);
        if (v.suggest) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
      }
      items.push(item);
    }
    return items;
  }

  private async values(position: vscode.Position, text: string, eq: number): Promise<vscode.CompletionItem[] | undefined> {
    const key = text.slice(0, eq).trim();
    if (!key || /\s/.test(key)) return undefined;
    const cat = await catalog();
    const match = cat.lookupKey(key);
    if (!match) return undefined;
    const entry = match.entry;

    // Where the value is: inside quotes, or bare after `=`.
    const after = text.slice(eq + 1);
    const lead = after.length - after.trimStart().length;
    const valueAt = eq + 1 + lead;
    let range: vscode.Range;
    let quote: boolean;
    if (text[valueAt] === '"') {
      if (position.character <= valueAt) return undefined;
      const close = text.indexOf('"', valueAt + 1);
      if (close >= 0 && position.character > close) return undefined;
      range = new vscode.Range(position.line, valueAt + 1, position.line, close >= 0 ? close : text.length);
      quote = false;
    } else {
      let end = valueAt;
      while (end < text.length && !/[\s#]/.test(text[end])) end++;
      if (position.character < valueAt) {
        range = new vscode.Range(position, position);
      } else {
        range = new vscode.Range(position.line, valueAt, position.line, end);
      }
      quote = true;
    }
    const pad = quote && position.character === eq + 1 ? ' ' : '';

    const items: vscode.CompletionItem[] = [];
    const add = (value: string, detail: string | undefined, kind: vscode.CompletionItemKind, sort: number, doc?: string): void => {
      const item = new vscode.CompletionItem(value, kind);
      item.range = range;
      item.insertText = quote ? `${pad}"${value}"` : value;
      item.filterText = value;
      item.detail = detail;
      if (doc) item.documentation = doc;
      item.sortText = String(sort).padStart(4, '0');
      items.push(item);
    };
    const isDefault = (v: string) => entry.default !== undefined && entry.default.toLowerCase() === v.toLowerCase();
    const defaultNote = vscode.l10n.t('(default)');
    if (entry.type === 'bool') {
      add('TRUE', isDefault('TRUE') ? defaultNote : undefined, vscode.CompletionItemKind.Value, 0);
      add('FALSE', isDefault('FALSE') ? defaultNote : undefined, vscode.CompletionItemKind.Value, 1);
      return items;
    }
    (entry.values ?? []).forEach((v, i) => {
      const detail = isDefault(v.value) ? `${v.description} ${defaultNote}` : v.description;
      add(v.value, detail, vscode.CompletionItemKind.EnumMember, i, v.apiId ? vscode.l10n.t('API id: {0}', v.apiId) : undefined);
    });
    if (entry.default !== undefined && entry.default !== '' && !(entry.values ?? []).some((v) => isDefault(v.value))) {
      add(entry.default, defaultNote, vscode.CompletionItemKind.Value, 9999);
    }
    return items.length ? items : undefined;
  }
}
