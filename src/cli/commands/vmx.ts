/**
 * `vlab vmx …`: lint, read and change .vmx files without losing a byte, and describe keys.
 *
 *   vlab vmx lint FILE… [--json]       findings; exit 1 when any is an error
 *   vlab vmx get FILE KEY              the decoded value; exit 1 when the key is absent
 *   vlab vmx set FILE KEY VALUE        change one value (atomic write, backup FILE.bak)
 *   vlab vmx unset FILE KEY            remove a key (atomic write, backup FILE.bak)
 *   vlab vmx describe KEY              what the catalog knows about a key
 *
 * set/unset refuse (exit 1, file untouched) when the VM is running (a *.lck beside the file) or
 * when the key is on several lines.
 */
import { readInputFile } from '../files';
import * as path from 'node:path';
import { CliFailure, EXIT_FINDINGS, EXIT_OK, emit, type CliCommand, type CliInvocation } from '../command';
import { VmxDocument, VmxEncodingError } from '../../core/vmx/document';
import { lintVmx, type VmxDiagnostic } from '../../core/vmx/lint';
import { writeFileAtomic, WriteRefusedError } from '../../core/fs/atomic';
import { findVmLocks } from '../../core/vmx/locks';
import { lookupKey, matchDescription } from '../../core/vmx/catalog';

/** A .vmx is a few KB; one of 16 MB is not a VM's configuration. */
const MAX_VMX_BYTES = 16 * 1048576;
/** Findings listed per run of `vmx lint` (the rest are counted): a file of duplicated lines stays bounded. */
export const MAX_LINT_FINDINGS = 1000;

async function readVmx(inv: CliInvocation, file: string): Promise<{ abs: string; bytes: Buffer; doc: VmxDocument }> {
  const { abs, bytes } = await readInputFile(inv, file, { maxBytes: MAX_VMX_BYTES });
  return { abs, bytes, doc: VmxDocument.parse(bytes) };
}

export interface LintRow {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
  severity: VmxDiagnostic['severity'];
  code: string;
  message: string;
}

const lint: CliCommand = {
  path: ['vmx', 'lint'],
  summary: 'Check .vmx files: syntax, duplicate keys, values against the key catalog',
  synopsis: 'FILE… [--json]',
  positionals: { min: 1 },
  async run(inv) {
    const rows: LintRow[] = [];
    const omitted = { count: 0 };
    let anyError = false;
    for (const file of inv.positionals) {
      const { doc } = await readVmx(inv, file);
      const before = omitted.count;
      for (const d of lintVmx(doc, lookupKey, { maxDiagnostics: MAX_LINT_FINDINGS - rows.length, omitted })) {
        rows.push({ file, line: d.line + 1, column: d.column + 1, severity: d.severity, code: d.code, message: d.message });
      }
      // Past the cap the findings are only counted: an omitted one may be an error.
      if (omitted.count > before) anyError = true;
    }
    const errors = rows.filter((r) => r.severity === 'error').length;
    emit(inv, rows, () => {
      const lines = rows.map((r) => `${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}`);
      const warnings = rows.filter((r) => r.severity === 'warning').length;
      if (omitted.count) lines.push(`… and ${omitted.count} more finding(s) not listed (the first ${MAX_LINT_FINDINGS} are).`);
      lines.push(`${inv.positionals.length} file(s): ${errors} error(s), ${warnings} warning(s), ${rows.length - errors - warnings} note(s)${omitted.count ? `, ${omitted.count} more not listed` : ''}`);
      return lines.join('\n');
    });
    if (inv.json && omitted.count) inv.io.stderr(`vlab vmx lint: ${omitted.count} more finding(s) not listed (the first ${MAX_LINT_FINDINGS} are).\n`);
    return errors > 0 || anyError ? EXIT_FINDINGS : EXIT_OK;
  },
};

const get: CliCommand = {
  path: ['vmx', 'get'],
  summary: 'Print the decoded value of a key (case-insensitive); exit 1 when it is absent',
  synopsis: 'FILE KEY [--json]',
  positionals: { min: 2, max: 2 },
  async run(inv) {
    const [file, key] = inv.positionals;
    const { doc } = await readVmx(inv, file);
    const lines = doc.find(key);
    if (lines.length === 0) {
      if (inv.json) emit(inv, { file, key, found: false }, '');
      else inv.io.stderr(`vlab: ${file}: no key "${key}"\n`);
      return EXIT_FINDINGS;
    }
    const value = doc.get(key) ?? '';
    if (lines.length > 1) inv.io.stderr(`vlab: warning: "${key}" is set on lines ${lines.map((l) => l + 1).join(', ')}; showing the last\n`);
    emit(inv, { file, key: doc.line(lines[lines.length - 1]).key, value, line: lines[lines.length - 1] + 1, found: true }, () => value);
    return EXIT_OK;
  },
};

const writeOptions = {
  'no-backup': { type: 'boolean' as const, description: 'do not keep a copy of the old file as FILE.bak' },
};

/** Shared by set and unset: refuse when running or duplicated, then change and write atomically. */
async function change(inv: CliInvocation, file: string, key: string, value: string | undefined): Promise<number> {
  const { abs, doc } = await readVmx(inv, file);
  const locks = await findVmLocks(abs);
  if (locks.length) {
    throw new CliFailure(
      `${file}: the VM looks powered on (lock ${locks.map((l) => path.basename(l)).join(', ')}); power it off (or remove a stale lock) and try again`,
      'vm-running',
    );
  }
  const lines = doc.find(key);
  if (lines.length > 1) {
    throw new CliFailure(
      `${file}: "${key}" is set on lines ${lines.map((l) => l + 1).join(', ')}; remove the duplicates first (vlab vmx lint shows them)`,
      'duplicate-key',
    );
  }
  if (value === undefined && lines.length === 0) {
    emit(inv, { file, key, changed: false }, '');
    if (!inv.json) inv.io.stderr(`vlab: ${file}: no key "${key}"; nothing to do\n`);
    return EXIT_OK;
  }
  const old = lines.length ? doc.get(key) : undefined;
  try {
    if (value === undefined) doc.unset(key);
    else doc.set(key, value);
  } catch (e) {
    if (e instanceof VmxEncodingError) throw new CliFailure(`${file}: ${e.message}`, 'encoding');
    throw new CliFailure(`${file}: ${(e as Error).message}`, 'invalid');
  }
  if (value !== undefined && old === value) {
    emit(inv, { file, key, value, changed: false }, '');
    return EXIT_OK;
  }
  let result;
  try {
    result = await writeFileAtomic(abs, doc.serialize(), { backup: inv.values['no-backup'] !== true });
  } catch (e) {
    if (e instanceof WriteRefusedError) throw new CliFailure(e.message, e.code);
    throw new CliFailure(`${file}: cannot write (${(e as Error).message})`, 'write-failed');
  }
  const data = { file, key, ...(value !== undefined ? { value } : {}), previous: old, changed: true, backup: result.backup };
  emit(inv, data, () => (value === undefined ? `removed ${key}` : `${key} = ${JSON.stringify(value)}`) + (result.backup ? ` (backup: ${path.basename(result.backup)})` : ''));
  return EXIT_OK;
}

/** `vmx set` and `vmx unset`: the same write path, with or without a VALUE. */
function changeCommand(word: 'set' | 'unset', summary: string, synopsis: string): CliCommand {
  const arity = word === 'set' ? 3 : 2;
  return {
    path: ['vmx', word], summary, synopsis,
    positionals: { min: arity, max: arity },
    options: writeOptions,
    run: (inv) => change(inv, inv.positionals[0], inv.positionals[1], word === 'set' ? inv.positionals[2] : undefined),
  };
}

const set = changeCommand('set', 'Set a key; only its value changes (or one line is added next to its device)',
  'FILE KEY VALUE [--no-backup] [--json]   (use -- before a VALUE that starts with -)');
const unset = changeCommand('unset', 'Remove a key; every other byte stays', 'FILE KEY [--no-backup] [--json]');

const describe: CliCommand = {
  path: ['vmx', 'describe'],
  summary: 'Describe a key from the catalog (device patterns resolved); exit 1 when unknown',
  synopsis: 'KEY [--json]',
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const [key] = inv.positionals;
    const match = lookupKey(key);
    if (!match) {
      if (inv.json) emit(inv, { key, found: false }, '');
      else inv.io.stderr(`vlab: "${key}" is not in the key catalog\n`);
      return EXIT_FINDINGS;
    }
    const e = match.entry;
    const data = {
      key,
      found: true,
      pattern: e.key,
      captures: match.captures,
      description: matchDescription(match),
      type: e.type,
      ...(e.values ? { values: e.values, closed: e.closed === true } : {}),
      ...(e.default !== undefined ? { default: e.default } : {}),
      ...(e.min !== undefined ? { min: e.min } : {}),
      ...(e.max !== undefined ? { max: e.max } : {}),
      ...(e.products ? { products: e.products } : {}),
      source: e.source,
    };
    emit(inv, data, () => {
      const out = [`${key}${e.key.toLowerCase() !== key.toLowerCase() ? `  (pattern ${e.key})` : ''}`, `  ${data.description}`, `  type: ${e.type}`];
      if (e.default !== undefined) out.push(`  default: ${e.default}`);
      if (e.min !== undefined || e.max !== undefined) out.push(`  range: ${e.min ?? '…'} – ${e.max ?? '…'}`);
      if (e.values?.length) {
        out.push(`  values${e.closed ? '' : ' (open list)'}:`);
        for (const v of e.values) out.push(`    ${v.value}  ${v.description}${v.apiId ? ` [${v.apiId}]` : ''}`);
      }
      if (e.products) out.push(`  products: ${Object.entries(e.products).map(([p, v]) => `${p} ${v}`).join(', ')}`);
      out.push(`  source: ${e.source}`);
      return out.join('\n');
    });
    return EXIT_OK;
  },
};

export const commands: CliCommand[] = [lint, get, set, unset, describe];
