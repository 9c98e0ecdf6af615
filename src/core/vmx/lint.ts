/**
 * Lint rules for .vmx documents. Pure: takes a parsed document and, optionally, a catalog lookup
 * (`lookupKey` from catalog.ts, or a small table in tests).
 *
 * The rules are a table (`VMX_LINT_RULES`): one rule per diagnostic code, each with its severity,
 * its source and a small check over a context built once per run (lines, entries with their
 * catalog match, the hardware version). A new rule is a new code in `VmxLintCode`, its message in
 * `lintMessage` (and in the extension's messages.ts), and a row in the table.
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
import { valueReplacement, type VmxDocument, type VmxEntry, type VmxInvalidReason, type VmxLine } from './document';
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
  /**
   * Keep at most this many diagnostics (a file of a million duplicated lines would otherwise build a
   * million findings); the rest are counted in `omitted.count`. Default: no cap.
   */
  maxDiagnostics?: number;
  /** Receives the number of diagnostics past `maxDiagnostics`. */
  omitted?: { count: number };
}

const TRUE_RE = /^true$/i;
const FALSE_RE = /^false$/i;
/** Forms some tools write for a boolean, and the one VMware writes. A Map: a value such as "constructor" is no alias. */
const BOOL_ALIASES: ReadonlyMap<string, 'TRUE' | 'FALSE'> = new Map([['1', 'TRUE'], ['0', 'FALSE'], ['yes', 'TRUE'], ['no', 'FALSE'], ['on', 'TRUE'], ['off', 'FALSE']]);

/** Keys whose names are chosen by users or guests: never "unknown". */
const FREE_FORM_PREFIXES = ['guestinfo.'];

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

/** `key = a b # c` → `key = "a b" # c`. */
function quoteWholeValueFix(i: number, l: VmxLine): VmxFix {
  const hash = l.text.indexOf('#', l.valueStart);
  const end = hash < 0 ? l.text.length : hash;
  const whole = l.text.slice(l.valueStart, end).replace(/[ \t]+$/, '');
  const rest = l.text.slice(l.valueStart + whole.length);
  const text = l.text.slice(0, l.valueStart) + `"${whole.replace(/"/g, '|22')}"` + rest;
  return replaceLineFix(i, l, text, 'Quote the whole value');
}

function quoteFix(i: number, l: VmxLine, rawValue: string, title = 'Quote the value'): VmxFix {
  // rawValue is kept as written (its escapes stay valid); only `"` inside must become |22
  const inner = rawValue.replace(/"/g, '|22');
  const space = l.valueStart === l.eqColumn + 1 ? ' ' : '';
  const text = l.text.slice(0, l.valueStart) + `${space}"${inner}"` + l.text.slice(l.valueEnd);
  return replaceLineFix(i, l, text, title);
}

// ---------------------------------------------------------------------------------------------
// The rules: a table, one rule per code, each with its severity, its source and a small check
// ---------------------------------------------------------------------------------------------

/** A catalog entry's match, looked up once per run. */
interface CheckedEntry {
  readonly e: VmxEntry;
  readonly match: VmxCatalogMatch | undefined;
}

/** What every rule may read; built once per run. */
export interface LintContext {
  readonly doc: VmxDocument;
  readonly lines: readonly VmxLine[];
  readonly entries: readonly VmxEntry[];
  /** The entries with their catalog match; empty without a lookup. */
  readonly checked: readonly CheckedEntry[];
  readonly options: LintOptions;
  /** `virtualHW.version`: the line of its last occurrence and its number (NaN when not a number). */
  readonly hardware?: { readonly line: number; readonly version: number };
}

/** What a rule reports; the runner adds the rule's code, severity and message. */
export type LintHit = Omit<VmxDiagnostic, 'severity' | 'code' | 'message'>;

export interface VmxLintRule {
  /** The diagnostic code it reports. */
  readonly id: VmxLintCode;
  readonly severity: VmxSeverity;
  /** Where the rule's knowledge comes from. */
  readonly source: string;
  /** Runs only with a catalog lookup. */
  readonly catalog?: true;
  check(ctx: LintContext, report: (hit: LintHit) => void): void;
}

const SOURCES = {
  DICTLL: 'open-vm-tools lib/dict/dictll.c (DictLL_UnmarshalLine): a line VMware cannot parse is not a setting',
  QUOTES: 'open-vm-tools lib/dict/dictll.c (DictLL_MarshalLine always writes quotes); sanbarrow.com vmx FAQ',
  DUPLICATES: 'hashicorp/vagrant issue 2597 (a duplicated key stops the VM); libvirt tests/vmx2xmldata/case-insensitive-1.vmx (keys are case-insensitive)',
  ENCODING: 'the `.encoding` line and the codecs of src/core/vmx/encoding.ts',
  CATALOG: 'the key catalog (src/core/vmx/catalog.json; each entry names its own source)',
  BOOLEANS: 'libvirt src/vmx/vmx.c (virVMXGetConfigBoolean: "true"/"false" in any case); VMware writes "TRUE"/"FALSE"',
  SIZES: 'VMware writes byte counts as plain decimal numbers (svga.vramSize in the fixtures drawn from real products)',
  CBT: 'DOMAIN.md §1: changed block tracking needs virtual hardware 7 (vSphere 4 CBT requirements)',
  HARDWARE: 'vSphere "Hardware Features Available with Virtual Machine Compatibility Settings" (catalog minHardware); skipped for hosted products',
} as const;

function at(i: number, start: number, end: number): Pick<VmxDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
  return { line: i, column: start, endLine: i, endColumn: Math.max(end, start) };
}

/** Calls `fn` for every invalid line with `reason`. */
function eachInvalid(ctx: LintContext, reason: VmxInvalidReason, fn: (l: VmxLine, i: number) => void): void {
  ctx.lines.forEach((l, i) => {
    if (l.kind === 'invalid' && l.reason === reason) fn(l, i);
  });
}

/** Calls `fn` for every entry whose catalog entry has `type`, with the value's range. */
function eachTyped(ctx: LintContext, type: VmxCatalogEntry['type'], fn: (e: VmxEntry, entry: VmxCatalogEntry, vr: ReturnType<typeof at>) => void): void {
  for (const { e, match } of ctx.checked) {
    if (match?.entry.type === type) fn(e, match.entry, at(e.line, e.valueSpan.start, e.valueSpan.end));
  }
}

const WHOLE_RE = /^[+-]?\d+$/;

/** A numeric enum (virtualHW.version) must be a number first. */
function isNumericEnum(entry: VmxCatalogEntry): boolean {
  return entry.min !== undefined || entry.max !== undefined;
}

/** `int-out-of-range` args when the whole number `v` is outside the entry's bounds. */
function outOfRange(key: string, v: string, entry: VmxCatalogEntry): string[] | undefined {
  const n = Number(v.trim());
  if ((entry.min === undefined || n >= entry.min) && (entry.max === undefined || n <= entry.max)) return undefined;
  return [key, String(n), entry.min !== undefined ? String(entry.min) : '…', entry.max !== undefined ? String(entry.max) : '…'];
}

/** Whether an enum value is missing from the entry's list (numbers first for numeric enums; empty values pass). */
function unlistedEnumValue(v: string, entry: VmxCatalogEntry): boolean {
  if (isNumericEnum(entry) && !WHOLE_RE.test(v.trim())) return false;
  if (!entry.values || entry.values.length === 0) return false;
  const lower = v.trim().toLowerCase();
  return lower !== '' && !entry.values.some((a) => a.value.toLowerCase() === lower);
}

/** The span of a whole setting, closing quote included (for the hardware contradictions). */
function settingRange(e: VmxEntry): ReturnType<typeof at> {
  return at(e.line, e.keySpan.start, e.valueSpan.end + (e.quoted ? 1 : 0));
}

const SYNTAX_RULES: readonly VmxLintRule[] = [
  {
    id: 'unknown-encoding', severity: 'warning', source: SOURCES.ENCODING,
    check: ({ doc, lines }, report) => {
      if (doc.codec.kind !== 'binary' || doc.encoding === undefined) return;
      const i = doc.find('.encoding')[0] ?? 0;
      const l = lines[i];
      const span = l?.valueSpan ?? { start: 0, end: l ? l.text.length : 0 };
      report({ ...at(i, span.start, span.end), args: [doc.encoding] });
    },
  },
  {
    id: 'undecodable-line', severity: 'warning', source: SOURCES.ENCODING,
    check: ({ doc, lines }, report) => lines.forEach((l, i) => {
      if (l.raw) report({ ...at(i, 0, l.text.length), args: [doc.encoding ?? 'UTF-8'] });
    }),
  },
  {
    id: 'missing-key', severity: 'error', source: SOURCES.DICTLL,
    check: (ctx, report) => eachInvalid(ctx, 'missing-key', (l, i) => report({ ...at(i, l.errorColumn, l.text.length), args: [] })),
  },
  {
    id: 'missing-equals', severity: 'error', source: SOURCES.DICTLL,
    check: (ctx, report) => eachInvalid(ctx, 'missing-equals', (l, i) => {
      const key = l.key;
      const hit: LintHit = { ...at(i, l.keyStart >= 0 ? l.keyStart : 0, l.text.length), args: [key ?? ''] };
      const rest = l.text.slice(l.keyEnd).trim();
      if (key && rest !== '' && !rest.startsWith('#')) {
        const value = /^"[^"]*"$/.test(rest) ? rest : `"${escapeValue(rest)}"`;
        hit.fix = { ...replaceLineFix(i, l, l.text.slice(0, l.keyEnd) + ' = ' + value, `Write ${key} = ${value}`), args: [key, value] };
      }
      report(hit);
    }),
  },
  {
    id: 'unterminated-quote', severity: 'error', source: SOURCES.DICTLL,
    check: (ctx, report) => eachInvalid(ctx, 'unterminated-quote', (l, i) => {
      const text = l.text.slice(0, l.valueEnd) + '"' + l.text.slice(l.valueEnd);
      report({ ...at(i, l.valueStart - 1, l.text.length), args: [l.key ?? ''], fix: replaceLineFix(i, l, text, 'Add the closing quote') });
    }),
  },
  {
    id: 'trailing-text', severity: 'error', source: SOURCES.DICTLL,
    check: (ctx, report) => eachInvalid(ctx, 'trailing-text', (l, i) => {
      const hit: LintHit = { ...at(i, l.errorColumn, l.text.length), args: [l.key ?? ''] };
      if (!l.quoted && l.valueStart >= 0) hit.fix = quoteWholeValueFix(i, l);
      report(hit);
    }),
  },
  {
    id: 'nul-character', severity: 'error', source: SOURCES.DICTLL,
    check: (ctx, report) => eachInvalid(ctx, 'nul-character', (l, i) => report({ ...at(i, l.errorColumn, l.errorColumn + 1), args: [] })),
  },
  {
    id: 'unquoted-value', severity: 'warning', source: SOURCES.QUOTES,
    check: ({ lines }, report) => lines.forEach((l, i) => {
      if (l.kind === 'entry' && !l.quoted) report({ ...at(i, l.valueStart, l.valueEnd), args: [l.key ?? ''], fix: quoteFix(i, l, l.rawValue ?? '') });
    }),
  },
  {
    // an error on every occurrence after the first
    id: 'duplicate-key', severity: 'error', source: SOURCES.DUPLICATES,
    check: ({ doc, lines }, report) => {
      for (const g of doc.duplicates()) {
        const first = g.lines[0];
        for (const i of g.lines.slice(1)) {
          const l = lines[i];
          report({
            ...at(i, l.keyStart, l.keyEnd),
            args: [l.key ?? '', String(first + 1)],
            fix: deleteLineFix(doc, i, `Remove this line (keep line ${first + 1})`),
            related: [{ line: first, message: `first "${lines[first].key}"` }],
          });
        }
      }
    },
  },
];

const VALUE_RULES: readonly VmxLintRule[] = [
  {
    id: 'unknown-key', severity: 'hint', source: SOURCES.CATALOG, catalog: true,
    check: ({ checked, options }, report) => {
      if (!(options.unknownKeys ?? true)) return;
      for (const { e, match } of checked) {
        const lower = e.key.toLowerCase();
        if (match || lower.startsWith('.') || FREE_FORM_PREFIXES.some((p) => lower.startsWith(p))) continue;
        report({ ...at(e.line, e.keySpan.start, e.keySpan.end), args: [e.key] });
      }
    },
  },
  {
    id: 'nonstandard-boolean', severity: 'warning', source: SOURCES.BOOLEANS, catalog: true,
    check: (ctx, report) => eachTyped(ctx, 'bool', (e, _entry, vr) => {
      if (TRUE_RE.test(e.value) || FALSE_RE.test(e.value)) return;
      const alias = BOOL_ALIASES.get(e.value.trim().toLowerCase());
      const l = ctx.lines[e.line];
      if (alias) report({ ...vr, args: [e.key, e.value, alias], fix: { ...valueFix(e.line, l, alias, `Change to "${alias}"`), args: [alias] } });
    }),
  },
  {
    id: 'invalid-boolean', severity: 'error', source: SOURCES.BOOLEANS, catalog: true,
    check: (ctx, report) => eachTyped(ctx, 'bool', (e, _entry, vr) => {
      if (TRUE_RE.test(e.value) || FALSE_RE.test(e.value) || BOOL_ALIASES.has(e.value.trim().toLowerCase())) return;
      report({ ...vr, args: [e.key, e.value] });
    }),
  },
  {
    id: 'invalid-int', severity: 'error', source: SOURCES.CATALOG, catalog: true,
    check: (ctx, report) => {
      const hit = (e: VmxEntry, vr: ReturnType<typeof at>) => {
        if (!WHOLE_RE.test(e.value.trim())) report({ ...vr, args: [e.key, e.value] });
      };
      for (const { e, match } of ctx.checked) {
        const entry = match?.entry;
        if (entry?.type === 'int' || (entry?.type === 'enum' && isNumericEnum(entry))) hit(e, at(e.line, e.valueSpan.start, e.valueSpan.end));
      }
    },
  },
  {
    id: 'int-out-of-range', severity: 'warning', source: SOURCES.CATALOG, catalog: true,
    check: (ctx, report) => {
      for (const { e, match } of ctx.checked) {
        const entry = match?.entry;
        const t = e.value.trim();
        const whole = entry?.type === 'size' ? /^\d+$/.test(t) : (entry?.type === 'int' || (entry?.type === 'enum' && isNumericEnum(entry))) && WHOLE_RE.test(t);
        const args = whole && entry ? outOfRange(e.key, e.value, entry) : undefined;
        if (args) report({ ...at(e.line, e.valueSpan.start, e.valueSpan.end), args });
      }
    },
  },
  {
    id: 'nonstandard-size', severity: 'warning', source: SOURCES.SIZES, catalog: true,
    check: (ctx, report) => eachTyped(ctx, 'size', (e, _entry, vr) => {
      const t = e.value.trim();
      if (!/^\d+$/.test(t) && /^\d+(?:\.\d+)?\s*[kmgt]i?b?$/i.test(t)) report({ ...vr, args: [e.key, e.value] });
    }),
  },
  {
    id: 'invalid-size', severity: 'error', source: SOURCES.SIZES, catalog: true,
    check: (ctx, report) => eachTyped(ctx, 'size', (e, _entry, vr) => {
      const t = e.value.trim();
      if (!/^\d+$/.test(t) && !/^\d+(?:\.\d+)?\s*[kmgt]i?b?$/i.test(t)) report({ ...vr, args: [e.key, e.value] });
    }),
  },
  {
    id: 'invalid-enum', severity: 'warning', source: SOURCES.CATALOG, catalog: true,
    check: (ctx, report) => eachTyped(ctx, 'enum', (e, entry, vr) => {
      if (!entry.closed || !unlistedEnumValue(e.value, entry)) return;
      report({ ...vr, args: [e.value, e.key, (entry.values ?? []).map((a) => `"${a.value}"`).join(', ')] });
    }),
  },
  {
    // Open list: other values may be valid (newer products, numbers for shares); only a near miss is worth a note.
    id: 'unknown-value', severity: 'info', source: SOURCES.CATALOG, catalog: true,
    check: (ctx, report) => eachTyped(ctx, 'enum', (e, entry, vr) => {
      if (entry.closed || !unlistedEnumValue(e.value, entry) || WHOLE_RE.test(e.value.trim().toLowerCase())) return;
      const near = closestValue(e.value, (entry.values ?? []).map((a) => a.value));
      if (near !== undefined) report({ ...vr, args: [e.value, e.key, near], fix: { ...valueFix(e.line, ctx.lines[e.line], near, `Change to "${near}"`), args: [near] } });
    }),
  },
];

const CONTRADICTION_RULES: readonly VmxLintRule[] = [
  {
    id: 'ctk-needs-hw7', severity: 'warning', source: SOURCES.CBT,
    check: ({ entries, hardware }, report) => {
      if (!hardware || !(hardware.version < 7)) return;
      for (const e of entries) {
        if (!/^(?:ctkEnabled|scsi\d+:\d+\.ctkEnabled)$/i.test(e.key) || !TRUE_RE.test(e.value.trim())) continue;
        report({ ...settingRange(e), args: [e.key, String(hardware.version)], related: [{ line: hardware.line, message: 'virtualHW.version' }] });
      }
    },
  },
  {
    // Those tables describe ESXi: files for hosted products (Workstation, Fusion, Player) are skipped.
    id: 'needs-hardware', severity: 'warning', source: SOURCES.HARDWARE, catalog: true,
    check: ({ doc, checked, hardware }, report) => {
      if (!hardware || !Number.isFinite(hardware.version)) return;
      if (/^hosted$/i.test((doc.get('virtualHW.productCompatibility') ?? '').trim())) return;
      for (const { e, match } of checked) {
        const req = match && requirementOf(match.entry, e.value);
        if (!req || hardware.version >= req.version) continue;
        report({ ...settingRange(e), args: [e.key, e.value, String(req.version), String(hardware.version)], related: [{ line: hardware.line, message: 'virtualHW.version' }] });
      }
    },
  },
];

/**
 * Every rule, in the order their findings are listed when two fall on the same position with the
 * same severity (syntax, then values against the catalog, then contradictions).
 */
export const VMX_LINT_RULES: readonly VmxLintRule[] = [...SYNTAX_RULES, ...VALUE_RULES, ...CONTRADICTION_RULES];

function lintContext(doc: VmxDocument, lookup: CatalogLookup | undefined, options: LintOptions): LintContext {
  const entries = doc.entries();
  const hwLines = doc.find('virtualHW.version');
  let hardware: LintContext['hardware'];
  if (hwLines.length > 0) {
    const hwText = doc.get('virtualHW.version') ?? '';
    hardware = { line: hwLines[hwLines.length - 1], version: /^\s*\d+\s*$/.test(hwText) ? Number(hwText) : NaN };
  }
  const checked = lookup ? entries.map((e) => ({ e, match: lookup(e.key) })) : [];
  return { doc, lines: doc.lines, entries, checked, options, hardware };
}

const SEVERITY_RANK: Record<VmxSeverity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Runs every rule of VMX_LINT_RULES (the catalog's only with `lookup`). Diagnostics come sorted by position. */
export function lintVmx(doc: VmxDocument, lookup?: CatalogLookup, options: LintOptions = {}): VmxDiagnostic[] {
  const ctx = lintContext(doc, lookup, options);
  const out: VmxDiagnostic[] = [];
  for (const rule of VMX_LINT_RULES) {
    if (rule.catalog && !lookup) continue;
    rule.check(ctx, (h) => {
      if (options.maxDiagnostics !== undefined && out.length >= options.maxDiagnostics) {
        if (options.omitted) options.omitted.count++;
        return;
      }
      const d: Omit<VmxDiagnostic, 'message'> = { line: h.line, column: h.column, endLine: h.endLine, endColumn: h.endColumn, severity: rule.severity, code: rule.id, args: h.args };
      if (h.fix) d.fix = h.fix;
      if (h.related) d.related = h.related;
      out.push({ ...d, message: lintMessage(rule.id, h.args) });
    });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

/**
 * The virtual hardware a setting needs, from the catalog: the allowed value's `minHardware` (firmware =
 * "efi"), or the entry's for a boolean set to TRUE (nvme0.present = "TRUE"). Undefined when none applies.
 */
export function hardwareRequirement(lookup: CatalogLookup, key: string, value: string): VmxHardwareRequirement | undefined {
  const entry = lookup(key)?.entry;
  return entry ? requirementOf(entry, value) : undefined;
}

function requirementOf(entry: VmxCatalogEntry, value: string): VmxHardwareRequirement | undefined {
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
