import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VmxDocument } from '../../../src/core/vmx/document';
import { lintVmx, VMX_LINT_RULES, type CatalogLookup, type VmxLintCode } from '../../../src/core/vmx/lint';
import type { VmxCatalogEntry } from '../../../src/core/vmx/catalog-types';

const ROOT = join(__dirname, '..', '..', '..');

function codes(): VmxLintCode[] {
  const text = readFileSync(join(ROOT, 'src/core/vmx/lint.ts'), 'utf8');
  const union = /export type VmxLintCode =([^;]+);/.exec(text)![1];
  return [...union.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1] as VmxLintCode);
}

/** A numeric enum with bounds and a closed list, and a bool. */
const ENTRIES: Record<string, VmxCatalogEntry> = {
  'level': { key: 'level', description: '', type: 'enum', min: 1, max: 10, closed: true, values: [{ value: '3', description: '' }, { value: '5', description: '' }], source: 'test' },
  'usb.present': { key: 'usb.present', description: '', type: 'bool', source: 'test' },
};
const lookup: CatalogLookup = (key) => (ENTRIES[key.toLowerCase()] ? { entry: ENTRIES[key.toLowerCase()], captures: {} } : undefined);

describe('vmx lint rule table (VMX_LINT_RULES)', () => {
  it('has exactly one rule per lint code, each with a source', () => {
    const ids = VMX_LINT_RULES.map((r) => r.id);
    assert.deepEqual([...ids].sort(), [...codes()].sort());
    assert.equal(new Set(ids).size, ids.length, 'no code twice');
    for (const r of VMX_LINT_RULES) assert.ok(r.source.length > 10, `${r.id} names its source`);
  });

  it('every diagnostic carries the severity its rule declares', () => {
    const doc = VmxDocument.fromText('usb.present = yes\nusb.present = "maybe"\nlevel = "12"\nlevel = "x"\nkey "v"\nunknown.key = "1"\n');
    const severity = new Map(VMX_LINT_RULES.map((r) => [r.id, r.severity]));
    const ds = lintVmx(doc, lookup);
    assert.ok(ds.length >= 6, ds.map((d) => d.code).join(', '));
    for (const d of ds) assert.equal(d.severity, severity.get(d.code), d.code);
  });

  it('catalog rules stay silent without a lookup; the syntax rules still run', () => {
    const doc = VmxDocument.fromText('usb.present = "maybe"\nunknown.key = "1"\nmemsize = 12\n');
    assert.deepEqual(lintVmx(doc).map((d) => d.code), ['unquoted-value']);
    assert.deepEqual(lintVmx(doc, lookup).map((d) => d.code), ['invalid-boolean', 'unknown-key', 'unknown-key', 'unquoted-value']);
  });

  it('two findings on the same value and severity keep the table order (range before list)', () => {
    const ds = lintVmx(VmxDocument.fromText('level = "12"\n'), lookup);
    assert.deepEqual(ds.map((d) => `${d.code}:${d.severity}:${d.column}`), ['int-out-of-range:warning:9', 'invalid-enum:warning:9']);
  });
});
