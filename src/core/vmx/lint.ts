/**
 * Lint rules for .vmx documents. Pure: takes a parsed document and, optionally, a catalog lookup
 * (`lookupKey` from catalog.ts, or a small table in tests).
 *
 * Positions are 0-based lines and UTF-16 columns in the decoded text (see document.ts); fixes are
 * editor-shaped text edits against the same text.
 *
 * Sources for the rules:
 * - Line syntax: open-vm-tools lib/dict/dictll.c (DictLL_UnmarshalLine) — a line VMware cannot
 *   parse is not a setting. Unquoted values are accepted by that reader, but VMware always writes
 *   quotes (DictLL_MarshalLine) and guides say to quote every value (sanbarrow.com vmx FAQ).
 * - A key present twice, even in different case, stops the VM from starting (hashicorp/vagrant
 *   issue 2597); keys are case-insensitive (libvirt tests/vmx2xmldata/case-insensitive-1.vmx).
 * - Booleans: libvirt's reader (src/vmx/vmx.c, virVMXGetConfigBoolean) accepts "true"/"false" in any
 *   letter case and nothing else; VMware writes "TRUE"/"FALSE". Whether VMware also takes
 *   "1"/"0"/"yes"/"no" is not documented publicly, so those get a warning, not an error.
 * - Changed block tracking needs virtual hardware 7 (DOMAIN.md §1, vSphere 4 CBT requirements).
 */
import type { VmxCatalogMatch } from './catalog-types';
import { escapeValue } from './encoding';
import { valueReplacement, type VmxDocument, type VmxLine } from './document';
import { minimalEdit, type TextEditLike } from './edit';

export type VmxSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface VmxFix {
  title: string;
  edits: TextEditLike[];
}

export interface VmxDiagnostic {
  /** 0-based line and UTF-16 column of the start; endLine/endColumn exclusive end. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: VmxSeverity;
  code: VmxLintCode;
  message: string;
  fix?: VmxFix;
  /** Other lines involved (e.g. the first occurrence of a duplicated key), 0-based. */
  related?: { line: number; message: string }[];
}

export type VmxLintCode =
  | 'duplicate-key'
  | 'missing-key'
  | 'missing-equals'
  | 'unterminated-quote'
  | 'trailing-text'
  | 'nul-character'
  | 'unquoted-value'
  | 'invalid-boolean'
  | 'nonstandard-boolean'
  | 'invalid-enum'
  | 'invalid-int'
  | 'int-out-of-range'
  | 'unknown-key'
  | 'unknown-encoding'
  | 'undecodable-line'
  | 'ctk-needs-hw7';

export type CatalogLookup = (key: string) => VmxCatalogMatch | undefined;

export interface LintOptions {
  /** Report `unknown-key` hints (default true when a lookup is given). */
  unknownKeys?: boolean;
}

const TRUE_RE = /^true$/i;
const FALSE_RE = /^false$/i;
const BOOL_ALIASES: Record<string, 'TRUE' | 'FALSE'> = { '1': 'TRUE', '0': 'FALSE', yes: 'TRUE', no: 'FALSE', on: 'TRUE', off: 'FALSE' };

/** Keys whose names are chosen by users or guests: never "unknown". */
const FREE_FORM_PREFIXES = ['guestinfo.'];

function lineRange(l: VmxLine): [number, number] {
  return [0, l.text.length];
}

function replaceLineFix(i: number, l: VmxLine, newText: string, title: string): VmxFix {
  const e = minimalEdit({ line: i, character: 0 }, l.text, newText);
  return { title, edits: e ? [e] : [] };
}

function deleteLineFix(doc: VmxDocument, i: number, title: string): VmxFix {
  const l = doc.line(i);
  if (l.eol !== '' || i === 0) {
    const end = l.eol !== '' ? { line: i + 1, character: 0 } : { line: i, character: l.text.length };
    return { title, edits: [{ range: { start: { line: i, character: 0 }, end }, newText: '' }] };
  }
  // last line without a line break: remove the break before it too
  const prev = doc.line(i - 1);
  return { title, edits: [{ range: { start: { line: i - 1, character: prev.text.length }, end: { line: i, character: l.text.length } }, newText: '' }] };
}

function valueFix(i: number, l: VmxLine, value: string, title: string): VmxFix {
  const { prefix, body, suffix } = valueReplacement(l, escapeValue(value));
  return replaceLineFix(i, l, prefix + body + suffix, title);
}

function quoteFix(i: number, l: VmxLine, rawValue: string, title = 'Quote the value'): VmxFix {
  // rawValue is kept as written (its escapes stay valid); only `"` inside must become |22
  const inner = rawValue.replace(/"/g, '|22');
  const space = l.valueStart === l.eqColumn + 1 ? ' ' : '';
  const text = l.text.slice(0, l.valueStart) + `${space}"${inner}"` + l.text.slice(l.valueEnd);
  return replaceLineFix(i, l, text, title);
}

/** Runs every rule. Diagnostics come sorted by position. */
export function lintVmx(doc: VmxDocument, lookup?: CatalogLookup, options: LintOptions = {}): VmxDiagnostic[] {
  const out: VmxDiagnostic[] = [];
  const lines = doc.lines;
  const push = (d: VmxDiagnostic) => out.push(d);
  const at = (i: number, start: number, end: number) => ({ line: i, column: start, endLine: i, endColumn: Math.max(end, start) });

  // --- encoding
  if (doc.codec.kind === 'binary' && doc.encoding !== undefined) {
    const i = doc.find('.encoding')[0] ?? 0;
    const l = lines[i];
    const span = l?.valueSpan ?? { start: 0, end: l ? l.text.length : 0 };
    push({ ...at(i, span.start, span.end), severity: 'warning', code: 'unknown-encoding', message: `Unknown encoding "${doc.encoding}": bytes are kept as they are, but non-ASCII text may show wrongly.` });
  }

  // --- syntax
  lines.forEach((l, i) => {
    if (l.raw) {
      push({ ...at(i, ...lineRange(l)), severity: 'warning', code: 'undecodable-line', message: `This line is not valid ${doc.encoding ?? 'UTF-8'}; its bytes are kept unchanged.` });
    }
    if (l.kind === 'invalid') {
      const key = l.key;
      switch (l.reason) {
        case 'missing-key':
          push({ ...at(i, l.errorColumn, l.text.length), severity: 'error', code: 'missing-key', message: 'No key before "=": VMware ignores this line.' });
          break;
        case 'missing-equals': {
          const d: VmxDiagnostic = { ...at(i, l.keyStart >= 0 ? l.keyStart : 0, l.text.length), severity: 'error', code: 'missing-equals', message: `Missing "=" after "${key ?? ''}": VMware ignores this line.` };
          const rest = l.text.slice(l.keyEnd).trim();
          if (key && rest !== '' && !rest.startsWith('#')) {
            const value = /^"[^"]*"$/.test(rest) ? rest : `"${escapeValue(rest)}"`;
            d.fix = replaceLineFix(i, l, l.text.slice(0, l.keyEnd) + ' = ' + value, `Write ${key} = ${value}`);
          }
          push(d);
          break;
        }
        case 'unterminated-quote': {
          const d: VmxDiagnostic = { ...at(i, l.valueStart - 1, l.text.length), severity: 'error', code: 'unterminated-quote', message: `The value of "${key}" has no closing quote: VMware ignores this line.` };
          const text = l.text.slice(0, l.valueEnd) + '"' + l.text.slice(l.valueEnd);
          d.fix = replaceLineFix(i, l, text, 'Add the closing quote');
          push(d);
          break;
        }
        case 'trailing-text': {
          const d: VmxDiagnostic = { ...at(i, l.errorColumn, l.text.length), severity: 'error', code: 'trailing-text', message: `Unexpected text after the value of "${key}": VMware ignores this line (quote values that hold spaces; start comments with #).` };
          if (!l.quoted && l.valueStart >= 0) {
            const hash = l.text.indexOf('#', l.valueStart);
            const end = hash < 0 ? l.text.length : hash;
            const whole = l.text.slice(l.valueStart, end).replace(/[ \t]+$/, '');
            const rest = l.text.slice(l.valueStart + whole.length);
            const text = l.text.slice(0, l.valueStart) + `"${whole.replace(/"/g, '|22')}"` + rest;
            d.fix = replaceLineFix(i, l, text, 'Quote the whole value');
          }
          push(d);
          break;
        }
        case 'nul-character':
          push({ ...at(i, l.errorColumn, l.errorColumn + 1), severity: 'error', code: 'nul-character', message: 'NUL character in the line: VMware stops reading the line there.' });
          break;
        default:
          break;
      }
    } else if (l.kind === 'entry' && !l.quoted) {
      push({
        ...at(i, l.valueStart, l.valueEnd),
        severity: 'warning',
        code: 'unquoted-value',
        message: `The value of "${l.key}" is not quoted; VMware writes every value in double quotes.`,
        fix: quoteFix(i, l, l.rawValue ?? ''),
      });
    }
  });

  // --- duplicates: an error on every occurrence after the first
  for (const g of doc.duplicates()) {
    const first = g.lines[0];
    for (const i of g.lines.slice(1)) {
      const l = lines[i];
      push({
        ...at(i, l.keyStart, l.keyEnd),
        severity: 'error',
        code: 'duplicate-key',
        message: `"${l.key}" is already set on line ${first + 1} (keys are case-insensitive); VMware refuses to start a VM with a duplicated key.`,
        fix: deleteLineFix(doc, i, `Remove this line (keep line ${first + 1})`),
        related: [{ line: first, message: `first "${lines[first].key}"` }],
      });
    }
  }

  // --- values against the catalog
  const entries = doc.entries();
  if (lookup) {
    const reportUnknown = options.unknownKeys ?? true;
    for (const e of entries) {
      const l = lines[e.line];
      const match = lookup(e.key);
      if (!match) {
        const lower = e.key.toLowerCase();
        if (reportUnknown && !lower.startsWith('.') && !FREE_FORM_PREFIXES.some((p) => lower.startsWith(p))) {
          push({ ...at(e.line, e.keySpan.start, e.keySpan.end), severity: 'hint', code: 'unknown-key', message: `"${e.key}" is not in the key catalog (it may still be valid).` });
        }
        continue;
      }
      const entry = match.entry;
      const v = e.value;
      const vr = at(e.line, e.valueSpan.start, e.valueSpan.end);
      switch (entry.type) {
        case 'bool': {
          if (TRUE_RE.test(v) || FALSE_RE.test(v)) break;
          const alias = BOOL_ALIASES[v.trim().toLowerCase()];
          if (alias) {
            push({ ...vr, severity: 'warning', code: 'nonstandard-boolean', message: `"${e.key}" is a boolean; "${v}" is not a form VMware documents or writes (use "${alias}").`, fix: valueFix(e.line, l, alias, `Change to "${alias}"`) });
          } else {
            push({ ...vr, severity: 'error', code: 'invalid-boolean', message: `"${e.key}" is a boolean: use "TRUE" or "FALSE", not "${v}".` });
          }
          break;
        }
        case 'int': {
          if (!/^[+-]?\d+$/.test(v.trim())) {
            push({ ...vr, severity: 'error', code: 'invalid-int', message: `"${e.key}" takes a whole number, not "${v}".` });
            break;
          }
          const n = Number(v.trim());
          if ((entry.min !== undefined && n < entry.min) || (entry.max !== undefined && n > entry.max)) {
            push({ ...vr, severity: 'warning', code: 'int-out-of-range', message: `"${e.key}" = ${n} is outside ${entry.min ?? '…'}–${entry.max ?? '…'}.` });
          }
          break;
        }
        case 'enum': {
          if (!entry.closed || !entry.values || entry.values.length === 0) break;
          const lower = v.toLowerCase();
          if (entry.values.some((a) => a.value.toLowerCase() === lower)) break;
          const list = entry.values.map((a) => `"${a.value}"`).join(', ');
          push({ ...vr, severity: 'warning', code: 'invalid-enum', message: `"${v}" is not a known value of "${e.key}"; expected one of ${list}.` });
          break;
        }
        default:
          break;
      }
    }
  }

  // --- contradictions: changed block tracking on hardware older than 7
  const hwLines = doc.find('virtualHW.version');
  if (hwLines.length > 0) {
    const hwText = doc.get('virtualHW.version') ?? '';
    const hw = /^\s*\d+\s*$/.test(hwText) ? Number(hwText) : NaN;
    if (hw < 7) {
      for (const e of entries) {
        if (!/^(?:ctkEnabled|scsi\d+:\d+\.ctkEnabled)$/i.test(e.key) || !TRUE_RE.test(e.value.trim())) continue;
        push({
          ...at(e.line, e.keySpan.start, e.valueSpan.end + (e.quoted ? 1 : 0)),
          severity: 'warning',
          code: 'ctk-needs-hw7',
          message: `"${e.key}" = TRUE has no effect: changed block tracking needs virtual hardware 7 or later, this VM is version ${hw}.`,
          related: [{ line: hwLines[hwLines.length - 1], message: 'virtualHW.version' }],
        });
      }
    }
  }

  const rank: Record<VmxSeverity, number> = { error: 0, warning: 1, info: 2, hint: 3 };
  return out.sort((a, b) => a.line - b.line || a.column - b.column || rank[a.severity] - rank[b.severity]);
}

/** True when any diagnostic is an error. */
export function hasErrors(diags: readonly VmxDiagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}
