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
 * - Other hardware-version contradictions come from the catalog (`minHardware` on an entry or an
 *   allowed value, each with its source: the vSphere "Hardware Features Available with Virtual Machine
 *   Compatibility Settings" tables). Those tables describe ESXi, so the rule is skipped for files that
 *   say `virtualHW.productCompatibility = "hosted"` (Workstation, Fusion, Player).
 * - Sizes: VMware writes byte counts as plain decimal numbers (svga.vramSize = "8388608" in the
 *   fixtures drawn from real products).
 *
 * Every diagnostic carries its `code` and `args` (the values its message quotes, in order), so a user
 * interface can word it in another language; `message` is the English text the CLI prints.
 */
import type { VmxCatalogEntry, VmxCatalogMatch, VmxHardwareRequirement } from './catalog-types';
import { escapeValue } from './encoding';
import { valueReplacement, type VmxDocument, type VmxLine } from './document';
import { minimalEdit, type TextEditLike } from './edit';

export type VmxSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface VmxFix {
  title: string;
  edits: TextEditLike[];
  /** The values the title quotes, in order (see FIX_TITLE_ARGS in the extension). */
  args?: string[];
}

export interface VmxDiagnostic {
  /** 0-based line and UTF-16 column of the start; endLine/endColumn exclusive end. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: VmxSeverity;
  code: VmxLintCode;
  /** The values `message` quotes, in order; see lintMessage() for each code's list. */
  args: string[];
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
  | 'ctk-needs-hw7'
  | 'needs-hardware'
  | 'unknown-value'
  | 'invalid-size'
  | 'nonstandard-size';

/**
 * The English message for a code and its args. Args per code:
 * unknown-encoding [encoding] · undecodable-line [encoding] · missing-key [] · missing-equals [key] ·
 * unterminated-quote [key] · trailing-text [key] · nul-character [] · unquoted-value [key] ·
 * duplicate-key [key, first line (1-based)] · unknown-key [key] · nonstandard-boolean [key, value, TRUE|FALSE] ·
 * invalid-boolean [key, value] · invalid-int [key, value] · int-out-of-range [key, value, min|…, max|…] ·
 * invalid-enum [value, key, quoted list] · unknown-value [value, key, closest known value] ·
 * invalid-size [key, value] · nonstandard-size [key, value] · ctk-needs-hw7 [key, hardware version] ·
 * needs-hardware [key, value, minimum version, hardware version].
 */
export function lintMessage(code: VmxLintCode, a: readonly string[]): string {
  switch (code) {
    case 'unknown-encoding': return `Unknown encoding "${a[0]}": bytes are kept as they are, but non-ASCII text may show wrongly.`;
    case 'undecodable-line': return `This line is not valid ${a[0]}; its bytes are kept unchanged.`;
    case 'missing-key': return 'No key before "=": VMware ignores this line.';
    case 'missing-equals': return `Missing "=" after "${a[0]}": VMware ignores this line.`;
    case 'unterminated-quote': return `The value of "${a[0]}" has no closing quote: VMware ignores this line.`;
    case 'trailing-text': return `Unexpected text after the value of "${a[0]}": VMware ignores this line (quote values that hold spaces; start comments with #).`;
    case 'nul-character': return 'NUL character in the line: VMware stops reading the line there.';
    case 'unquoted-value': return `The value of "${a[0]}" is not quoted; VMware writes every value in double quotes.`;
    case 'duplicate-key': return `"${a[0]}" is already set on line ${a[1]} (keys are case-insensitive); VMware refuses to start a VM with a duplicated key.`;
    case 'unknown-key': return `"${a[0]}" is not in the key catalog (it may still be valid).`;
    case 'nonstandard-boolean': return `"${a[0]}" is a boolean; "${a[1]}" is not a form VMware documents or writes (use "${a[2]}").`;
    case 'invalid-boolean': return `"${a[0]}" is a boolean: use "TRUE" or "FALSE", not "${a[1]}".`;
    case 'invalid-int': return `"${a[0]}" takes a whole number, not "${a[1]}".`;
    case 'int-out-of-range': return `"${a[0]}" = ${a[1]} is outside ${a[2]}–${a[3]}.`;
    case 'invalid-enum': return `"${a[0]}" is not a known value of "${a[1]}"; expected one of ${a[2]}.`;
    case 'unknown-value': return `"${a[0]}" is not a known value of "${a[1]}" (it may still be valid); did you mean "${a[2]}"?`;
    case 'invalid-size': return `"${a[0]}" takes a size in bytes (a whole number), not "${a[1]}".`;
    case 'nonstandard-size': return `"${a[0]}" takes a size in bytes; VMware writes a plain number, not "${a[1]}".`;
    case 'ctk-needs-hw7': return `"${a[0]}" = TRUE has no effect: changed block tracking needs virtual hardware 7 or later, this VM is version ${a[1]}.`;
    case 'needs-hardware': return `"${a[0]}" = "${a[1]}" needs virtual hardware ${a[2]} or later on ESXi; this VM is version ${a[3]}.`;
  }
}

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/**
 * The known value closest to `value` when it is close enough to be a typo (at most 2 edits, and
 * fewer than a third of the value's length), and the only one at that distance; else undefined.
 */
export function closestValue(value: string, candidates: readonly string[]): string | undefined {
  const v = value.trim();
  if (v.length < 3) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const c of candidates) {
    const d = editDistance(v, c);
    if (d < bestD) { best = c; bestD = d; tie = false; } else if (d === bestD && c.toLowerCase() !== best?.toLowerCase()) tie = true;
  }
  if (best === undefined || bestD === 0 || tie || bestD > 2 || bestD * 3 >= v.length) return undefined;
  return best;
}

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
  const push = (d: Omit<VmxDiagnostic, 'message'>) => out.push({ ...d, message: lintMessage(d.code, d.args) });
  const at = (i: number, start: number, end: number) => ({ line: i, column: start, endLine: i, endColumn: Math.max(end, start) });

  // --- encoding
  if (doc.codec.kind === 'binary' && doc.encoding !== undefined) {
    const i = doc.find('.encoding')[0] ?? 0;
    const l = lines[i];
    const span = l?.valueSpan ?? { start: 0, end: l ? l.text.length : 0 };
    push({ ...at(i, span.start, span.end), severity: 'warning', code: 'unknown-encoding', args: [doc.encoding] });
  }

  // --- syntax
  lines.forEach((l, i) => {
    if (l.raw) {
      push({ ...at(i, ...lineRange(l)), severity: 'warning', code: 'undecodable-line', args: [doc.encoding ?? 'UTF-8'] });
    }
    if (l.kind === 'invalid') {
      const key = l.key;
      switch (l.reason) {
        case 'missing-key':
          push({ ...at(i, l.errorColumn, l.text.length), severity: 'error', code: 'missing-key', args: [] });
          break;
        case 'missing-equals': {
          const d: Omit<VmxDiagnostic, 'message'> = { ...at(i, l.keyStart >= 0 ? l.keyStart : 0, l.text.length), severity: 'error', code: 'missing-equals', args: [key ?? ''] };
          const rest = l.text.slice(l.keyEnd).trim();
          if (key && rest !== '' && !rest.startsWith('#')) {
            const value = /^"[^"]*"$/.test(rest) ? rest : `"${escapeValue(rest)}"`;
            d.fix = { ...replaceLineFix(i, l, l.text.slice(0, l.keyEnd) + ' = ' + value, `Write ${key} = ${value}`), args: [key, value] };
          }
          push(d);
          break;
        }
        case 'unterminated-quote': {
          const d: Omit<VmxDiagnostic, 'message'> = { ...at(i, l.valueStart - 1, l.text.length), severity: 'error', code: 'unterminated-quote', args: [key ?? ''] };
          const text = l.text.slice(0, l.valueEnd) + '"' + l.text.slice(l.valueEnd);
          d.fix = replaceLineFix(i, l, text, 'Add the closing quote');
          push(d);
          break;
        }
        case 'trailing-text': {
          const d: Omit<VmxDiagnostic, 'message'> = { ...at(i, l.errorColumn, l.text.length), severity: 'error', code: 'trailing-text', args: [key ?? ''] };
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
          push({ ...at(i, l.errorColumn, l.errorColumn + 1), severity: 'error', code: 'nul-character', args: [] });
          break;
        default:
          break;
      }
    } else if (l.kind === 'entry' && !l.quoted) {
      push({
        ...at(i, l.valueStart, l.valueEnd),
        severity: 'warning',
        code: 'unquoted-value',
        args: [l.key ?? ''],
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
        args: [l.key ?? '', String(first + 1)],
        fix: deleteLineFix(doc, i, `Remove this line (keep line ${first + 1})`),
        related: [{ line: first, message: `first "${lines[first].key}"` }],
      });
    }
  }

  /** Whole-number check shared by int, size and numeric enums; false when `v` is not a whole number. */
  const checkInt = (key: string, v: string, entry: VmxCatalogEntry, vr: ReturnType<typeof at>): boolean => {
    if (!/^[+-]?\d+$/.test(v.trim())) {
      push({ ...vr, severity: 'error', code: 'invalid-int', args: [key, v] });
      return false;
    }
    const n = Number(v.trim());
    if ((entry.min !== undefined && n < entry.min) || (entry.max !== undefined && n > entry.max)) {
      push({ ...vr, severity: 'warning', code: 'int-out-of-range', args: [key, String(n), entry.min !== undefined ? String(entry.min) : '…', entry.max !== undefined ? String(entry.max) : '…'] });
    }
    return true;
  };

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
          push({ ...at(e.line, e.keySpan.start, e.keySpan.end), severity: 'hint', code: 'unknown-key', args: [e.key] });
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
            push({ ...vr, severity: 'warning', code: 'nonstandard-boolean', args: [e.key, v, alias], fix: { ...valueFix(e.line, l, alias, `Change to "${alias}"`), args: [alias] } });
          } else {
            push({ ...vr, severity: 'error', code: 'invalid-boolean', args: [e.key, v] });
          }
          break;
        }
        case 'int':
          checkInt(e.key, v, entry, vr);
          break;
        case 'size': {
          const t = v.trim();
          if (/^\d+$/.test(t)) {
            checkInt(e.key, v, entry, vr);
          } else if (/^\d+(?:\.\d+)?\s*[kmgt]i?b?$/i.test(t)) {
            push({ ...vr, severity: 'warning', code: 'nonstandard-size', args: [e.key, v] });
          } else {
            push({ ...vr, severity: 'error', code: 'invalid-size', args: [e.key, v] });
          }
          break;
        }
        case 'enum': {
          // A numeric enum (virtualHW.version) must be a number first.
          if ((entry.min !== undefined || entry.max !== undefined) && !checkInt(e.key, v, entry, vr)) break;
          if (!entry.values || entry.values.length === 0) break;
          const lower = v.trim().toLowerCase();
          if (lower === '' || entry.values.some((a) => a.value.toLowerCase() === lower)) break;
          if (entry.closed) {
            const list = entry.values.map((a) => `"${a.value}"`).join(', ');
            push({ ...vr, severity: 'warning', code: 'invalid-enum', args: [v, e.key, list] });
            break;
          }
          // Open list: other values may be valid (newer products, numbers for shares); only a near miss is worth a note.
          if (/^[+-]?\d+$/.test(lower)) break;
          const near = closestValue(v, entry.values.map((a) => a.value));
          if (near !== undefined) {
            push({ ...vr, severity: 'info', code: 'unknown-value', args: [v, e.key, near], fix: { ...valueFix(e.line, l, near, `Change to "${near}"`), args: [near] } });
          }
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
          args: [e.key, String(hw)],
          related: [{ line: hwLines[hwLines.length - 1], message: 'virtualHW.version' }],
        });
      }
    }
    // --- contradictions from the catalog: a setting that needs a newer virtual hardware version on ESXi
    const hosted = /^hosted$/i.test((doc.get('virtualHW.productCompatibility') ?? '').trim());
    if (lookup && Number.isFinite(hw) && !hosted) {
      for (const e of entries) {
        const req = hardwareRequirement(lookup, e.key, e.value);
        if (!req || hw >= req.version) continue;
        push({
          ...at(e.line, e.keySpan.start, e.valueSpan.end + (e.quoted ? 1 : 0)),
          severity: 'warning',
          code: 'needs-hardware',
          args: [e.key, e.value, String(req.version), String(hw)],
          related: [{ line: hwLines[hwLines.length - 1], message: 'virtualHW.version' }],
        });
      }
    }
  }

  const rank: Record<VmxSeverity, number> = { error: 0, warning: 1, info: 2, hint: 3 };
  return out.sort((a, b) => a.line - b.line || a.column - b.column || rank[a.severity] - rank[b.severity]);
}

/**
 * The virtual hardware a setting needs, from the catalog: the allowed value's `minHardware` (firmware =
 * "efi"), or the entry's for a boolean set to TRUE (nvme0.present = "TRUE"). Undefined when none applies.
 */
export function hardwareRequirement(lookup: CatalogLookup, key: string, value: string): VmxHardwareRequirement | undefined {
  const entry = lookup(key)?.entry;
  if (!entry) return undefined;
  const v = value.trim().toLowerCase();
  const allowed = entry.values?.find((a) => a.value.toLowerCase() === v);
  if (allowed?.minHardware) return allowed.minHardware;
  if (entry.minHardware && entry.type === 'bool' && TRUE_RE.test(v)) return entry.minHardware;
  return undefined;
}

/** True when any diagnostic is an error. */
export function hasErrors(diags: readonly VmxDiagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}
