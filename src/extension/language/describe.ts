/** Markdown for a catalog entry: shared by the hover and the completion item documentation. */
import * as vscode from 'vscode';
import type { VmxAllowedValue, VmxCatalogMatch } from '../../core/vmx/catalog-types';
import { productsText, valueMinHardware } from '../../core/vmx/catalogFacts';
import { deviceOf } from '../../core/vmx/devices';
import { deviceLabel, typeLabel } from './labels';
import { mdCode, mdEscape, type CatalogModule } from './shared';

/** How many allowed values a hover lists before "… and N more". */
export const MAX_LISTED_VALUES = 12;

const URL_RE = /https?:\/\/[^\s<>()[\]]+[^\s<>()[\].,;:'"]/g;

/** The source text with each URL as a link, the rest escaped. */
export function linkify(source: string): string {
  let out = '';
  let last = 0;
  for (const m of source.matchAll(URL_RE)) {
    const at = m.index ?? 0;
    out += mdEscape(source.slice(last, at));
    out += `[${mdEscape(m[0])}](${m[0]})`;
    last = at + m[0].length;
  }
  return out + mdEscape(source.slice(last));
}

function valueRow(v: VmxAllowedValue): string {
  const meaning = v.apiId ? `${mdEscape(v.description)} (${mdCode(v.apiId, true)})` : mdEscape(v.description);
  return `| ${mdCode(v.value, true)} | ${meaning} |`;
}

/** " (needs virtual hardware 8 or later on ESXi)" for a value that has a minimum, else "". */
function hardwareNote(match: VmxCatalogMatch, value: string): string {
  const hw = valueMinHardware(match.entry, value);
  return hw === undefined ? '' : ` ${mdEscape(vscode.l10n.t('(needs virtual hardware {0} or later on ESXi)', String(hw)))}`;
}

export interface KeyMarkdownOptions {
  /** The key as written in the file (or about to be inserted). */
  key: string;
  /** The value currently set, to say what it means. */
  currentValue?: string;
}

/** Hover / documentation for a key that the catalog knows. */
export function keyMarkdown(cat: CatalogModule, match: VmxCatalogMatch, opts: KeyMarkdownOptions): vscode.MarkdownString {
  const { entry } = match;
  const md = new vscode.MarkdownString();
  const lines: string[] = [];

  const device = deviceOf(opts.key);
  let title = `**${mdCode(opts.key)}**`;
  if (device) title += ` — ${mdEscape(deviceLabel(device))}`;
  lines.push(title);
  if (entry.key.toLowerCase() !== opts.key.toLowerCase()) {
    lines.push('', `*${mdEscape(vscode.l10n.t('Catalog entry'))}:* ${mdCode(entry.key)}`);
  }
  lines.push('', mdEscape(cat.matchDescription(match)));

  const facts: string[] = [`${mdEscape(vscode.l10n.t('Type'))}: ${mdEscape(typeLabel(entry.type))}`];
  if (entry.default !== undefined) facts.push(`${mdEscape(vscode.l10n.t('Default'))}: ${mdCode(entry.default === '' ? '""' : entry.default)}`);
  if (entry.min !== undefined || entry.max !== undefined) {
    facts.push(`${mdEscape(vscode.l10n.t('Range'))}: ${entry.min ?? '…'} – ${entry.max ?? '…'}`);
  }
  const products = productsText(entry.products);
  if (products) facts.push(`${mdEscape(vscode.l10n.t('Products'))}: ${mdEscape(products)}`);
  if (entry.minHardware) facts.push(`${mdEscape(vscode.l10n.t('Virtual hardware'))}: ${mdEscape(vscode.l10n.t('{0} or later (when TRUE)', String(entry.minHardware.version)))}`);
  lines.push('', facts.join(' · '));

  if (opts.currentValue !== undefined) {
    const meaning = cat.describeValue(opts.key, opts.currentValue);
    if (meaning) lines.push('', `${mdEscape(vscode.l10n.t('Current value'))}: ${mdCode(opts.currentValue)} — ${mdEscape(meaning)}${hardwareNote(match, opts.currentValue)}`);
  }

  const values = entry.values ?? [];
  if (values.length > 0) {
    const heading = entry.closed ? vscode.l10n.t('Allowed values') : vscode.l10n.t('Known values');
    lines.push('', `**${mdEscape(heading)}** (${values.length})`, '', `| ${mdEscape(vscode.l10n.t('Value'))} | ${mdEscape(vscode.l10n.t('Meaning'))} |`, '|---|---|');
    for (const v of values.slice(0, MAX_LISTED_VALUES)) lines.push(valueRow(v));
    if (values.length > MAX_LISTED_VALUES) {
      lines.push('', `*${mdEscape(vscode.l10n.t('… and {0} more: type inside the quotes to see them all.', String(values.length - MAX_LISTED_VALUES)))}*`);
    }
  }

  lines.push('', `${mdEscape(vscode.l10n.t('Source'))}: ${linkify(entry.source)}`);
  md.appendMarkdown(lines.join('\n'));
  return md;
}

/** Hover for a value: what it means for that key. */
export function valueMarkdown(cat: CatalogModule, match: VmxCatalogMatch, key: string, value: string): vscode.MarkdownString | undefined {
  const meaning = cat.describeValue(key, value);
  const lines: string[] = [];
  if (meaning) {
    lines.push(`${mdCode(value)} — ${mdEscape(meaning)}${hardwareNote(match, value)}`);
  } else if (match.entry.closed && match.entry.values?.length && value.trim() !== '') {
    lines.push(mdEscape(vscode.l10n.t('"{0}" is not a known value of {1}.', value, key)));
  } else {
    return undefined;
  }
  const device = deviceOf(key);
  lines.push('', `*${mdCode(key)}${device ? ` — ${mdEscape(deviceLabel(device))}` : ''}*`);
  return new vscode.MarkdownString(lines.join('\n'));
}
