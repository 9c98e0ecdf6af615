import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VmxDocument } from '../../../src/core/vmx/document';
import { applyTextEdits } from '../../../src/core/vmx/edit';
import { lintVmx, hasErrors, lintMessage, closestValue, hardwareRequirement, type CatalogLookup, type VmxDiagnostic } from '../../../src/core/vmx/lint';
import type { VmxCatalogEntry } from '../../../src/core/vmx/catalog-types';
import { lookupKey } from '../../../src/core/vmx/catalog';
import { fixture } from './helpers';

/** A tiny catalog for the rules: patterns with {n}/{m} like the real one. */
const ENTRIES: VmxCatalogEntry[] = [
  { key: 'memsize', description: 'memory MB', type: 'int', min: 4, max: 1048576, source: 'test' },
  { key: 'numvcpus', description: 'vCPUs', type: 'int', min: 1, max: 128, source: 'test' },
  { key: 'virtualHW.version', description: 'hw', type: 'int', source: 'test' },
  { key: 'config.version', description: 'cfg', type: 'int', source: 'test' },
  { key: 'guestOS', description: 'guest', type: 'string', source: 'test' },
  { key: 'displayName', description: 'name', type: 'string', source: 'test' },
  { key: 'ctkEnabled', description: 'cbt', type: 'bool', source: 'test' },
  { key: 'usb.present', description: 'usb', type: 'bool', source: 'test' },
  { key: 'floppy{n}.present', description: 'floppy', type: 'bool', source: 'test' },
  { key: 'scsi{n}:{m}.ctkEnabled', description: 'cbt disk', type: 'bool', source: 'test' },
  {
    key: 'ethernet{n}.virtualDev', description: 'nic', type: 'enum', closed: true, source: 'test',
    values: [{ value: 'e1000', description: '' }, { value: 'vmxnet3', description: '' }, { value: 'vlance', description: '' }],
  },
];

const small: CatalogLookup = (key) => {
  const k = key.toLowerCase();
  for (const entry of ENTRIES) {
    const re = new RegExp('^' + entry.key.toLowerCase().replace(/[.]/g, '\\.').replace(/\{n\}|\{m\}/g, '(\\d+)') + '$');
    if (re.test(k)) return { entry, captures: {} };
  }
  return undefined;
};

const parse = (s: string) => VmxDocument.fromText(s);
const codesAt = (ds: VmxDiagnostic[], line: number) => ds.filter((d) => d.line === line).map((d) => d.code).sort();

describe('vmx lint', () => {
  it('a boolean set to an Object.prototype name ("constructor", "toString") is invalid, not a nonstandard alias', () => {
    for (const value of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const ds = lintVmx(parse(`usb.present = "${value}"\n`), small);
      assert.deepEqual(codesAt(ds, 0), ['invalid-boolean'], value);
      assert.deepEqual(ds[0].args, ['usb.present', value], value);
    }
  });

  it('finds the problems in garbage.vmx, each on its line', () => {
    const d = VmxDocument.parse(fixture('garbage.vmx'));
    const ds = lintVmx(d, small);
    const byKey = (k: string) => d.lines.findIndex((l) => l.text.startsWith(k));
    assert.deepEqual(codesAt(ds, byKey('this line')), ['missing-equals']);
    assert.deepEqual(codesAt(ds, byKey('memsize "256"')), ['missing-equals']);
    assert.deepEqual(codesAt(ds, byKey('= "orphan')), ['missing-key']);
    assert.deepEqual(codesAt(ds, byKey('guestOS')), ['unterminated-quote']);
    assert.deepEqual(codesAt(ds, byKey('displayName')), ['trailing-text']);
    assert.deepEqual(codesAt(ds, byKey('numvcpus')), ['trailing-text']);
    assert.deepEqual(codesAt(ds, byKey('ctkEnabled')), ['ctk-needs-hw7']);
    assert.deepEqual(codesAt(ds, byKey('scsi0:0.ctkEnabled')), ['ctk-needs-hw7']);
    assert.deepEqual(codesAt(ds, byKey('broken')), ['undecodable-line', 'unknown-key']);
    assert.deepEqual(codesAt(ds, byKey('nul')), ['nul-character']);
    assert.deepEqual(codesAt(ds, byKey('floppy0.present')), ['nonstandard-boolean']);
    assert.deepEqual(codesAt(ds, byKey('usb.present')), ['invalid-boolean']);
    assert.deepEqual(codesAt(ds, byKey('memsize = "lots"')), ['invalid-int']);
    assert.deepEqual(codesAt(ds, byKey('ethernet0.virtualDev')), ['invalid-enum']);
    assert.deepEqual(codesAt(ds, byKey('lone')), ['unknown-key']);
    assert.ok(hasErrors(ds));
  });

  it('reports each later duplicate (case-insensitive) as an error, pointing at the first', () => {
    const d = VmxDocument.parse(fixture('dup-case.vmx'));
    const dups = lintVmx(d).filter((x) => x.code === 'duplicate-key');
    assert.deepEqual(dups.map((x) => [x.line, x.severity, x.related?.[0].line]), [[8, 'error', 3], [9, 'error', 5], [10, 'error', 6]]);
    assert.equal(dups[0].column, 0);
    assert.equal(dups[0].endColumn, 'memSize'.length);
  });

  it('finds every duplicate key (property)', () => {
    const keys = ['memsize', 'MEMSIZE', 'MemSize', 'ide0:0.present', 'IDE0:0.Present', 'guestOS', 'uuid.bios'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), fc.constantFrom('\n', '\r\n'), fc.boolean()), { maxLength: 30 }), (rows) => {
        const text = rows.map(([k, eol, comment]) => (comment ? `# ${k}${eol}` : `${k} = "1"${eol}`)).join('');
        const counts = new Map<string, number>();
        for (const [k, , comment] of rows) if (!comment) counts.set(k.toLowerCase(), (counts.get(k.toLowerCase()) ?? 0) + 1);
        const expected = [...counts.values()].reduce((a, n) => a + n - 1, 0);
        const d = parse(text);
        const dups = lintVmx(d).filter((x) => x.code === 'duplicate-key');
        assert.equal(dups.length, expected);
        // applying every fix leaves one line per key
        const fixed = parse(applyTextEdits(text, dups.flatMap((x) => x.fix?.edits ?? [])));
        assert.equal(fixed.duplicates().length, 0);
        assert.equal(fixed.entries().length, counts.size);
      }),
      { numRuns: 300 },
    );
  });

  const fixCases: { name: string; input: string; code: string; expected: string }[] = [
    { name: 'duplicate: later line removed', input: 'a = "1"\nA = "2"\nb = "3"\n', code: 'duplicate-key', expected: 'a = "1"\nb = "3"\n' },
    { name: 'duplicate on the last line without newline', input: 'a = "1"\r\nA = "2"', code: 'duplicate-key', expected: 'a = "1"' },
    { name: 'unquoted value gets quotes', input: 'memsize = 512\n', code: 'unquoted-value', expected: 'memsize = "512"\n' },
    { name: 'empty unquoted value', input: 'memsize =\n', code: 'unquoted-value', expected: 'memsize = ""\n' },
    { name: 'unterminated quote closed', input: 'guestOS = "winxppro  \n', code: 'unterminated-quote', expected: 'guestOS = "winxppro"  \n' },
    { name: 'unquoted value with spaces quoted whole', input: 'displayName = My VM   # c\n', code: 'trailing-text', expected: 'displayName = "My VM"   # c\n' },
    { name: 'missing = inserted', input: 'memsize "256"\n', code: 'missing-equals', expected: 'memsize = "256"\n' },
    { name: 'missing = with bare value', input: 'displayName my "vm"\n', code: 'missing-equals', expected: 'displayName = "my |22vm|22"\n' },
    { name: 'yes → TRUE', input: 'usb.present = "yes"\n', code: 'nonstandard-boolean', expected: 'usb.present = "TRUE"\n' },
    { name: '0 → FALSE keeps style', input: 'floppy0.present\t=\t"0" # off\n', code: 'nonstandard-boolean', expected: 'floppy0.present\t=\t"FALSE" # off\n' },
  ];
  for (const c of fixCases) {
    it(`fix: ${c.name}`, () => {
      const ds = lintVmx(parse(c.input), small).filter((d) => d.code === c.code);
      assert.equal(ds.length, 1, JSON.stringify(ds));
      const fix = ds[0].fix;
      assert.ok(fix, 'has a fix');
      assert.equal(applyTextEdits(c.input, fix.edits), c.expected);
      // and the finding is gone afterwards
      assert.equal(lintVmx(parse(c.expected), small).filter((d) => d.code === c.code).length, 0);
    });
  }

  it('accepts true/false in any case and says nothing about them', () => {
    const ds = lintVmx(parse('usb.present = "TRUE"\nfloppy0.present = "false"\nctkEnabled = "True"\n'), small);
    assert.deepEqual(ds, []);
  });

  it('warns about int ranges, not about closed-enum values in another letter case', () => {
    const ds = lintVmx(parse('memsize = "2"\nethernet0.virtualDev = "VMXNET3"\nnumvcpus = "-1"\n'), small);
    assert.deepEqual(ds.map((d) => [d.line, d.code, d.severity]), [[0, 'int-out-of-range', 'warning'], [2, 'int-out-of-range', 'warning']]);
  });

  it('ctkEnabled is a contradiction only below hardware version 7', () => {
    const base = 'ctkEnabled = "TRUE"\nscsi0:0.ctkEnabled = "TRUE"\nscsi0:1.ctkEnabled = "FALSE"\n';
    const low = lintVmx(parse('virtualHW.version = "4"\n' + base), small).filter((d) => d.code === 'ctk-needs-hw7');
    assert.deepEqual(low.map((d) => [d.line, d.severity]), [[1, 'warning'], [2, 'warning']]);
    assert.equal(low[0].related?.[0].line, 0);
    assert.equal(lintVmx(parse('virtualHW.version = "7"\n' + base), small).filter((d) => d.code === 'ctk-needs-hw7').length, 0);
    assert.equal(lintVmx(parse(base), small).filter((d) => d.code === 'ctk-needs-hw7').length, 0);
  });

  it('gives unknown-key hints only with a catalog, never for guestinfo.*', () => {
    const src = 'foo.bar = "1"\nguestinfo.myapp = "x"\n';
    assert.deepEqual(lintVmx(parse(src)), []);
    assert.deepEqual(lintVmx(parse(src), small).map((d) => [d.line, d.code, d.severity]), [[0, 'unknown-key', 'hint']]);
    assert.deepEqual(lintVmx(parse(src), small, { unknownKeys: false }), []);
  });

  it('flags an encoding it cannot honour', () => {
    const ds = lintVmx(VmxDocument.parse(Buffer.from('.encoding = "klingon-8"\nmemsize = "4"\n')), small);
    assert.deepEqual(ds.map((d) => d.code), ['unknown-encoding']);
  });

  it('positions are UTF-16 columns in the decoded text', () => {
    const src = 'displayName = "Serveur de démo 𝄞"\r\nusb.present = "oui"\r\nmemsize = "𝄞"';
    const ds = lintVmx(parse(src), small);
    assert.deepEqual(ds.map((x) => [x.line, x.column, x.endColumn]), [[1, 15, 18], [2, 11, 13]]);
  });

  describe('with the real catalog (src/core/vmx/catalog.ts)', () => {
    for (const name of ['ws71-plop.vmx', 'esx41-w2k8r2.vmx', 'fusion-win7.vmx', 'ws-windows-crlf.vmx', 'cp1252-annotation.vmx', 'bom-utf8.vmx']) {
      it(`${name}: no errors or warnings`, () => {
        const ds = lintVmx(VmxDocument.parse(fixture(name)), lookupKey).filter((d) => d.severity === 'error' || d.severity === 'warning');
        assert.deepEqual(ds.map((d) => `${d.line + 1}:${d.code}:${d.message}`), []);
      });
    }

    const real = (src: string) => lintVmx(parse(src), lookupKey);
    const only = (ds: VmxDiagnostic[], code: string) => ds.filter((d) => d.code === code);

    it('open enums: a near miss gets an info with the closest known value and a fix; other values pass', () => {
      const src = 'guestOS = "windows7srv64"\nide1:0.deviceType = "cdrom-imag"\nsched.scsi0:0.shares = "1500"\nguestOS.detailed.data = "x"\nscsi0:0.deviceType = "frobnicator"\n';
      const ds = only(real(src), 'unknown-value');
      assert.deepEqual(ds.map((d) => [d.line, d.severity, d.args[2]]), [[0, 'info', 'windows7srv-64'], [1, 'info', 'cdrom-image']]);
      assert.match(ds[0].message, /did you mean "windows7srv-64"\?/);
      assert.equal(applyTextEdits(src, ds[0].fix!.edits).split('\n')[0], 'guestOS = "windows7srv-64"');
      assert.deepEqual(real('guestOS = "windows7srv-64"\nide1:0.deviceType = "CDROM-IMAGE"\n'), []);
    });

    it('closestValue wants a unique near miss', () => {
      assert.equal(closestValue('lsilogc', ['lsilogic', 'buslogic']), 'lsilogic');
      assert.equal(closestValue('abc', ['abd', 'abe']), undefined, 'a tie says nothing');
      assert.equal(closestValue('zzzzzzzz', ['lsilogic']), undefined, 'too far');
      assert.equal(closestValue('ab', ['ac']), undefined, 'too short to guess');
    });

    it('sizes: "lots" is an error, "8MB" a warning, a byte count passes', () => {
      const ds = real('svga.vramSize = "lots"\nsvga.vramSize.x = "1"\n');
      assert.deepEqual(only(ds, 'invalid-size').map((d) => [d.line, d.severity, d.args[1]]), [[0, 'error', 'lots']]);
      assert.deepEqual(only(real('svga.vramSize = "8MB"\n'), 'nonstandard-size').map((d) => d.severity), ['warning']);
      assert.deepEqual(real('svga.vramSize = "8388608"\n'), []);
    });

    it('virtualHW.version must be a whole number within the known versions', () => {
      assert.deepEqual(real('virtualHW.version = "seven"\n').map((d) => [d.code, d.severity]), [['invalid-int', 'error']]);
      assert.deepEqual(real('virtualHW.version = "99"\n').map((d) => [d.code, d.severity]), [['int-out-of-range', 'warning']]);
      assert.deepEqual(real('virtualHW.version = "13"\n'), []);
    });

    const hwCases: [string, string, number][] = [
      ['firmware = "efi"', 'firmware', 8],
      ['uefi.secureBoot.enabled = "TRUE"', 'uefi.secureBoot.enabled', 13],
      ['usb_xhci.present = "TRUE"', 'usb_xhci.present', 8],
      ['sata0.present = "TRUE"', 'sata0.present', 10],
      ['nvme0.present = "TRUE"', 'nvme0.present', 13],
      ['vhv.enable = "TRUE"', 'vhv.enable', 9],
      ['vpmc.enable = "TRUE"', 'vpmc.enable', 9],
      ['ethernet0.virtualDev = "e1000e"', 'ethernet0.virtualDev', 8],
      ['ethernet0.virtualDev = "vmxnet3"', 'ethernet0.virtualDev', 7],
      ['scsi0.virtualDev = "pvscsi"', 'scsi0.virtualDev', 7],
      ['scsi0.virtualDev = "lsisas1068"', 'scsi0.virtualDev', 7],
    ];
    for (const [line, key, min] of hwCases) {
      it(`${line} needs virtual hardware ${min} (catalog minHardware, with its source)`, () => {
        const below = only(real(`virtualHW.version = "${min - 1}"\n${line}\n`), 'needs-hardware');
        assert.deepEqual(below.map((d) => [d.line, d.severity, d.args[0], d.args[2], d.args[3]]), [[1, 'warning', key, String(min), String(min - 1)]]);
        assert.equal(below[0].related?.[0].line, 0);
        assert.match(below[0].message, new RegExp(`needs virtual hardware ${min} or later`));
        assert.deepEqual(only(real(`virtualHW.version = "${min}"\n${line}\n`), 'needs-hardware'), []);
        assert.match(hardwareRequirement(lookupKey, key, line.split('"')[1])!.source, /Hardware Features Available/);
      });
    }

    it('hardware rules: FALSE, other values, hosted products and files without virtualHW.version say nothing', () => {
      assert.deepEqual(only(real('virtualHW.version = "7"\nnvme0.present = "FALSE"\nfirmware = "bios"\nethernet0.virtualDev = "e1000"\n'), 'needs-hardware'), []);
      assert.deepEqual(only(real('virtualHW.version = "7"\nvirtualHW.productCompatibility = "hosted"\nfirmware = "efi"\n'), 'needs-hardware'), []);
      assert.deepEqual(only(real('firmware = "efi"\nnvme0.present = "TRUE"\n'), 'needs-hardware'), []);
    });

    it('every diagnostic carries args, and its message is lintMessage(code, args)', () => {
      const ds = [...lintVmx(VmxDocument.parse(fixture('garbage.vmx')), lookupKey), ...real('virtualHW.version = "4"\nfirmware = "efi"\nguestOS = "windows7srv64"\nsvga.vramSize = "lots"\nsvga.vramSize = "8MB"\n')];
      const codes = new Set(ds.map((d) => d.code));
      for (const c of ['missing-equals', 'needs-hardware', 'unknown-value', 'invalid-size', 'nonstandard-size', 'ctk-needs-hw7'] as const) assert.ok(codes.has(c), c);
      for (const d of ds) {
        assert.ok(Array.isArray(d.args), d.code);
        assert.equal(d.message, lintMessage(d.code, d.args));
        assert.ok(!d.message.includes('undefined'), d.message);
      }
    });

    it('dup-case.vmx and garbage.vmx have errors', () => {
      assert.ok(hasErrors(lintVmx(VmxDocument.parse(fixture('dup-case.vmx')), lookupKey)));
      const g = lintVmx(VmxDocument.parse(fixture('garbage.vmx')), lookupKey);
      assert.ok(g.some((d) => d.code === 'invalid-enum' || d.code === 'invalid-boolean'));
    });
  });
});
