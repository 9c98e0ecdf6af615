import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import * as iconv from 'iconv-lite';
import { VmxDocument } from '../../../src/core/vmx/document';
import { applyTextEdits } from '../../../src/core/vmx/edit';
import { checkIsoImage, hasIso9660Signature, IsoImageError } from '../../../src/core/vmx/iso';
import {
  applyUsbBoot,
  applyUsbBootPlan,
  bootOrderWithCdFirst,
  isUsbBootApplied,
  planUsbBoot,
  planUsbBootRemoval,
  preflightVmxFile,
  removeUsbBoot,
  unifiedDiff,
  USB_BOOT_UNDO_KEY,
  UsbBootError,
  type UsbBootErrorCode,
  type UsbBootOptions,
} from '../../../src/core/vmx/usbBoot';
import { usbFixture, usbFixtureNames, writeTinyIso } from './helpers';

const ISO = '/home/claire/iso/plpbt.iso';
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function refusal(fn: () => unknown, code: UsbBootErrorCode, message?: RegExp): UsbBootError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsbBootError, `a UsbBootError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected a ${code} refusal`);
}

/** Applies on the bytes, re-reads the written bytes, removes: must give the original bytes. */
function roundTripBytes(bytes: Buffer, options: UsbBootOptions): { applied: Buffer; removed: Buffer } {
  const doc = VmxDocument.parse(bytes);
  applyUsbBoot(doc, options);
  const applied = Buffer.from(doc.serialize());
  const again = VmxDocument.parse(applied);
  assert.ok(isUsbBootApplied(again));
  removeUsbBoot(again);
  return { applied, removed: Buffer.from(again.serialize()) };
}

/** The editor path: text in, minimal edits out (one WorkspaceEdit), then the removal edits. */
function roundTripText(text: string, options: UsbBootOptions): { applied: string; removed: string } {
  const doc = VmxDocument.fromText(text);
  const plan = planUsbBoot(doc, options);
  const applied = applyTextEdits(text, doc.planWith((d) => applyUsbBootPlan(d, plan)));
  const doc2 = VmxDocument.fromText(applied);
  const removed = applyTextEdits(applied, doc2.planWith((d) => removeUsbBoot(d)));
  return { applied, removed };
}

describe('usb boot helper: the recipe', () => {
  it('Workstation 7.1 VM (hardware 7, BIOS): Plop CD on ide1:0, boot order CD first, USB 2.0, autoconnect', () => {
    const doc = VmxDocument.parse(usbFixture('ws71-hw7-bios.vmx'));
    const plan = applyUsbBoot(doc, { iso: ISO });
    assert.equal(plan.route, 'plop');
    assert.equal(plan.firmware, 'bios');
    assert.equal(plan.hardwareVersion, 7);
    assert.equal(plan.cdSlot, 'ide1:0');
    assert.equal(plan.controller, 'usb2');
    assert.equal(doc.get('ide1:0.present'), 'TRUE');
    assert.equal(doc.get('ide1:0.deviceType'), 'cdrom-image');
    assert.equal(doc.get('ide1:0.fileName'), ISO);
    assert.equal(doc.get('ide1:0.startConnected'), 'TRUE');
    assert.equal(doc.get('bios.bootOrder'), 'cdrom,hdd');
    assert.equal(doc.get('usb.present'), 'TRUE');
    assert.equal(doc.get('ehci.present'), 'TRUE');
    assert.equal(doc.get('usb_xhci.present'), undefined, 'no USB 3 on hardware 7');
    assert.equal(doc.get('usb.generic.autoconnect'), 'TRUE');
    assert.equal(doc.get('bios.forceSetupOnce'), undefined);
    assert.deepEqual(plan.changes.every((c) => c.before === undefined), true, 'everything is added on this VM');
    assert.ok(doc.has(USB_BOOT_UNDO_KEY));
    assert.deepEqual(doc.duplicates(), [], 'no key is added twice');
  });

  it('hardware 11 with USB 3: Plop keeps USB 2.0 and turns xHCI off while applied (Plop has no xHCI driver)', () => {
    const doc = VmxDocument.parse(usbFixture('ws11-hw11-xhci.vmx'));
    const plan = applyUsbBoot(doc, { iso: ISO });
    assert.equal(plan.cdSlot, 'ide1:0', 'IDE is preferred even when SATA exists');
    assert.equal(plan.controller, 'usb2');
    assert.equal(doc.get('usb_xhci.present'), 'FALSE');
    assert.ok(plan.notes.some((n) => n.code === 'xhci-disabled'));
    assert.deepEqual(plan.changes.find((c) => c.key === 'usb_xhci.present'), { key: 'usb_xhci.present', before: 'TRUE', after: 'FALSE', role: 'usb' });
    assert.ok(!plan.changes.some((c) => c.key === 'usb.present' || c.key === 'ehci.present'), 'values already right are left alone');
  });

  it('a VM with a CD-ROM on ide1:0 and USB: the next free IDE slot, existing values recorded, the other CD noted', () => {
    const doc = VmxDocument.parse(usbFixture('ws9-cdrom-usb.vmx'));
    const plan = applyUsbBoot(doc, { iso: ISO });
    assert.equal(plan.cdSlot, 'ide1:1');
    assert.equal(doc.get('ide1:0.fileName'), 'auto detect', 'the existing CD-ROM is untouched');
    assert.equal(doc.get('bios.bootOrder'), 'cdrom,hdd');
    assert.deepEqual(plan.changes.find((c) => c.key === 'bios.bootOrder'), { key: 'bios.bootOrder', before: 'hdd,cdrom', after: 'cdrom,hdd', role: 'boot-order' });
    assert.deepEqual(plan.changes.find((c) => c.key === 'usb.generic.autoconnect')?.before, 'FALSE');
    const other = plan.notes.find((n) => n.code === 'other-cdrom');
    assert.equal(other?.slot, 'ide1:0');
  });

  it('a slot left with present = FALSE is reused, and a client-device CD is switched to the image', () => {
    const doc = VmxDocument.parse(usbFixture('ws8-crlf.vmx'));
    const plan = applyUsbBoot(doc, { iso: ISO });
    assert.equal(plan.cdSlot, 'ide1:0');
    assert.equal(doc.get('ide1:0.clientDevice'), 'FALSE');
    assert.equal(doc.get('ide1:0.fileName'), ISO);
    assert.equal(doc.get('usb.present'), 'TRUE');
    assert.equal(doc.get('bios.bootOrder'), 'cdrom,hdd');
    // CRLF kept for the new lines
    const text = Buffer.from(doc.serialize()).toString('latin1');
    assert.ok(!/[^\r]\n/.test(text), 'every line break is CRLF');
  });

  it('windows-1252 with accents: the ISO path with accents is written in the file encoding', () => {
    const bytes = usbFixture('ws7-cp1252.vmx');
    const doc = VmxDocument.parse(bytes);
    const iso = 'D:\\Démarrage\\plpbt.iso';
    applyUsbBoot(doc, { iso });
    const out = Buffer.from(doc.serialize());
    assert.ok(out.includes(iconv.encode(`ide1:1.fileName = "${iso}"`, 'windows-1252')));
    assert.ok(!out.includes(Buffer.from('Démarrage', 'utf8')), 'not UTF-8');
    // the undo record is plain ASCII
    const rec = VmxDocument.parse(out).entries().find((e) => e.key === USB_BOOT_UNDO_KEY);
    assert.ok(rec && /^[\x20-\x7e]*$/.test(rec.rawValue));
  });

  it('refuses an ISO path the file encoding cannot hold (file untouched)', () => {
    const bytes = usbFixture('ws7-cp1252.vmx');
    const doc = VmxDocument.parse(bytes);
    refusal(() => applyUsbBoot(doc, { iso: 'C:\\启动\\plpbt.iso' }), 'encoding', /windows-1252/);
    assert.ok(same(doc.serialize(), bytes));
  });

  it('UEFI VM: the firmware route (setup at next power-on, USB 3 from hardware 8), no CD-ROM', () => {
    const doc = VmxDocument.parse(usbFixture('ws16-uefi.vmx'));
    const plan = applyUsbBoot(doc, {});
    assert.equal(plan.route, 'firmware');
    assert.equal(plan.firmware, 'efi');
    assert.equal(plan.cdSlot, undefined);
    assert.equal(plan.controller, 'usb3');
    assert.equal(doc.get('bios.forceSetupOnce'), 'TRUE');
    assert.equal(doc.get('bios.bootOrder'), undefined);
    assert.equal(doc.get('usb_xhci.present'), 'TRUE');
    assert.ok(!plan.changes.some((c) => c.role === 'cdrom'));
  });

  it('UEFI VM: the Plop route is refused (Plop runs on BIOS only); BIOS VM: the firmware route is refused', () => {
    refusal(() => planUsbBoot(VmxDocument.parse(usbFixture('ws16-uefi.vmx')), { iso: ISO, route: 'plop' }), 'route-unsupported', /UEFI/);
    refusal(() => planUsbBoot(VmxDocument.parse(usbFixture('ws71-hw7-bios.vmx')), { route: 'firmware' }), 'route-unsupported', /BIOS/);
  });

  it('USB 3 needs hardware 8; USB 2.0 needs hardware 6', () => {
    refusal(() => planUsbBoot(VmxDocument.parse(usbFixture('ws71-hw7-bios.vmx')), { iso: ISO, usb: 'usb3' }), 'usb-unsupported', /hardware version 8/);
    const old = VmxDocument.fromText('virtualHW.version = "4"\n');
    refusal(() => planUsbBoot(old, { iso: ISO, usb: 'usb2' }), 'usb-unsupported', /hardware version 6/);
    const auto = planUsbBoot(old, { iso: ISO });
    assert.equal(auto.controller, 'usb1');
    assert.ok(auto.notes.some((n) => n.code === 'usb1-only'));
    assert.ok(!auto.changes.some((c) => c.key === 'ehci.present'));
  });

  it('every IDE slot taken: SATA from hardware 10, refused before', () => {
    refusal(() => planUsbBoot(VmxDocument.parse(usbFixture('ws7-full-ide.vmx')), { iso: ISO }), 'no-free-cd-slot', /hardware version 10 \(this VM: 7\)/);
    const doc = VmxDocument.parse(usbFixture('ws10-full-ide.vmx'));
    const plan = applyUsbBoot(doc, { iso: ISO });
    assert.equal(plan.cdSlot, 'sata0:1');
    assert.equal(doc.get('sata0:1.deviceType'), 'cdrom-image');
    assert.ok(plan.notes.some((n) => n.code === 'sata-cdrom'));
    // no SATA controller yet: it is added with the CD-ROM
    const noSata = VmxDocument.fromText(Buffer.from(usbFixture('ws7-full-ide.vmx')).toString().replace('"7"', '"14"'));
    const p2 = planUsbBoot(noSata, { iso: ISO });
    assert.equal(p2.cdSlot, 'sata0:0');
    assert.ok(p2.changes.some((c) => c.key === 'sata0.present' && c.after === 'TRUE'));
  });

  it('refuses a file with duplicate keys, pointing to the lint quick fix', () => {
    const bytes = usbFixture('duplicates.vmx');
    const doc = VmxDocument.parse(bytes);
    const e = refusal(() => planUsbBoot(doc, { iso: ISO }), 'duplicate-keys', /lines 2, 4.*quick fix/);
    assert.deepEqual(e.details.duplicates, [{ key: 'usb.present', lines: [1, 3] }]);
    assert.ok(same(doc.serialize(), bytes));
  });

  it('refuses when already applied, and offers the removal', () => {
    const doc = VmxDocument.parse(usbFixture('ws71-hw7-bios.vmx'));
    applyUsbBoot(doc, { iso: ISO });
    const before = Buffer.from(doc.serialize());
    refusal(() => planUsbBoot(doc, { iso: ISO }), 'already-applied', /--undo|Remove USB Boot Helper/);
    assert.ok(same(doc.serialize(), before));
  });

  it('refuses the Plop route without an ISO; removal of a file without the helper', () => {
    refusal(() => planUsbBoot(VmxDocument.parse(usbFixture('ws71-hw7-bios.vmx')), {}), 'iso-required');
    refusal(() => planUsbBootRemoval(VmxDocument.parse(usbFixture('ws71-hw7-bios.vmx'))), 'not-applied');
  });

  it('a plan made on an older text is refused on the changed one (stale)', () => {
    const doc = VmxDocument.parse(usbFixture('ws9-cdrom-usb.vmx'));
    const plan = planUsbBoot(doc, { iso: ISO });
    doc.set('bios.bootOrder', 'floppy');
    const before = Buffer.from(doc.serialize());
    refusal(() => applyUsbBootPlan(doc, plan), 'stale-plan', /bios\.bootOrder/);
    assert.ok(same(doc.serialize(), before));
  });

  it('apply → remove is byte-identical on every fixture the helper accepts (bytes and editor paths)', () => {
    let accepted = 0;
    for (const name of usbFixtureNames()) {
      const bytes = usbFixture(name);
      let plan;
      try {
        plan = planUsbBoot(VmxDocument.parse(bytes), { iso: ISO });
      } catch (e) {
        assert.ok(e instanceof UsbBootError, `${name}: ${String(e)}`);
        assert.ok(['duplicate-keys', 'no-free-cd-slot'].includes(e.code), `${name}: ${e.code}`);
        continue;
      }
      accepted++;
      const { applied, removed } = roundTripBytes(bytes, { iso: ISO });
      assert.ok(!same(applied, bytes), `${name}: the helper changed something`);
      assert.ok(same(removed, bytes), `${name}: remove restores every byte`);
      assert.ok(plan.changes.length > 0);
      const text = VmxDocument.parse(bytes).toText();
      const t = roundTripText(text, { iso: ISO });
      assert.notEqual(t.applied, text);
      assert.equal(t.removed, text, `${name}: editor path`);
      // the editor path and the bytes path agree
      assert.equal(VmxDocument.parse(applied).toText(), t.applied, `${name}: same result both ways`);
    }
    assert.ok(accepted >= 8, `accepted ${accepted}`);
  });

  it('property: apply → remove is byte-identical for any ISO path and option, on every fixture', () => {
    const names = usbFixtureNames();
    const pathArb = fc
      .array(fc.constantFrom('a', 'Z', ' ', '"', '|', '#', '=', '\\', '/', 'é', 'ü', '—', '7', 'C', ':', '.', '\t', '测', '𝄞'), { minLength: 1, maxLength: 24 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.constantFrom(...names), pathArb, fc.constantFrom<UsbBootOptions['usb']>('auto', 'usb1', 'usb2', 'usb3'), fc.constantFrom<UsbBootOptions['route']>('auto', 'plop', 'firmware'), (name, iso, usb, route) => {
        const bytes = usbFixture(name);
        const doc = VmxDocument.parse(bytes);
        const options = { iso, usb, route };
        try {
          applyUsbBoot(doc, options);
        } catch (e) {
          if (!(e instanceof UsbBootError)) throw e;
          return same(doc.serialize(), bytes); // refused: untouched
        }
        if (route !== 'firmware' && doc.get('firmware') !== 'efi') assert.ok(doc.entries().some((e) => /\.fileName$/.test(e.key) && e.value === iso), 'the ISO path reads back exactly');
        const again = VmxDocument.parse(doc.serialize());
        removeUsbBoot(again);
        return same(again.serialize(), bytes);
      }),
      { numRuns: 600 },
    );
  });

  it('property: apply → remove is identical on generated .vmx texts (odd spacing, case, line breaks, no final break)', () => {
    const keyArb = fc.constantFrom(
      'ide1:0.present', 'IDE1:0.Present', 'ide1:0.deviceType', 'ide1:0.fileName', 'ide1:1.present', 'ide0:0.present', 'ide0:1.present',
      'bios.bootOrder', 'usb.present', 'ehci.present', 'usb_xhci.present', 'usb.generic.autoconnect', 'firmware', 'virtualHW.version',
      'memsize', 'sata0.present', 'ide1:0.clientDevice', 'bios.forceSetupOnce',
    );
    const valArb = fc.constantFrom('TRUE', 'FALSE', 'true', 'yes', '0', 'efi', 'bios', '7', '10', '4', 'hdd', 'cdrom,hdd', 'hdd,cdrom', '', 'cdrom-raw', 'auto detect', 'x|22y', 'a|7cb', 'hdd|2cfloppy');
    const lineArb = fc.oneof(
      fc.tuple(fc.constantFrom('', ' ', '\t'), keyArb, fc.constantFrom(' = ', '=', ' =\t'), valArb, fc.boolean(), fc.constantFrom('', '  # c', ' ')).map(
        ([w, k, eq, v, q, tail]) => `${w}${k}${eq}${q || v.includes(' ') ? `"${v}"` : v}${tail}`,
      ),
      fc.constantFrom('', '# comment', '   ', 'garbage line'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 18 }), fc.boolean(), (ls, finalBreak) => {
        let text = ls.map(([l, e]) => l + e).join('');
        if (!finalBreak && ls.length) text = text.slice(0, text.length - ls[ls.length - 1][1].length);
        const bytes = Buffer.from(text, 'utf8');
        const doc = VmxDocument.parse(bytes);
        try {
          applyUsbBoot(doc, { iso: 'C:\\iso\\plpbt.iso' });
        } catch (e) {
          if (!(e instanceof UsbBootError)) throw e;
          return same(doc.serialize(), bytes);
        }
        assert.deepEqual(doc.duplicates(), []);
        const again = VmxDocument.parse(doc.serialize());
        removeUsbBoot(again);
        assert.equal(Buffer.from(again.serialize()).toString('utf8'), text);
        // the editor path
        const t = roundTripText(text, { iso: 'C:\\iso\\plpbt.iso' });
        assert.equal(t.removed, text);
        return true;
      }),
      { numRuns: 1500 },
    );
  });
});

describe('usb boot helper: removal', () => {
  it('restores exactly after the product reset bios.forceSetupOnce to FALSE (no drift reported)', () => {
    const bytes = usbFixture('ws16-uefi.vmx');
    const doc = VmxDocument.parse(bytes);
    applyUsbBoot(doc, {});
    const vmwareWrote = VmxDocument.parse(doc.serialize());
    vmwareWrote.set('bios.forceSetupOnce', 'FALSE');
    const plan = planUsbBootRemoval(vmwareWrote);
    assert.deepEqual(plan.drift, []);
    assert.equal(plan.route, 'firmware');
    removeUsbBoot(vmwareWrote);
    assert.ok(same(vmwareWrote.serialize(), bytes));
  });

  it('reports values the user changed since (drift) and restores them anyway', () => {
    const bytes = usbFixture('ws9-cdrom-usb.vmx');
    const doc = VmxDocument.parse(bytes);
    applyUsbBoot(doc, { iso: ISO });
    doc.set('bios.bootOrder', 'floppy,cdrom');
    doc.unset('ide1:1.startConnected');
    const plan = planUsbBootRemoval(doc);
    assert.deepEqual(plan.drift.map((d) => d.key).sort(), ['bios.bootOrder', 'ide1:1.startConnected']);
    assert.deepEqual(plan.changes.find((c) => c.key === 'bios.bootOrder'), { key: 'bios.bootOrder', before: 'floppy,cdrom', after: 'hdd,cdrom' });
    removeUsbBoot(doc);
    assert.ok(same(doc.serialize(), bytes));
  });

  it('works after VMware rewrote the file (comments dropped, lines moved): values back, our keys gone', () => {
    const doc = VmxDocument.parse(usbFixture('ws8-crlf.vmx'));
    applyUsbBoot(doc, { iso: ISO });
    // a rewrite: every entry as key = "value", reversed order, LF
    const rewritten = VmxDocument.fromText(doc.entries().reverse().map((e) => `${e.key} = "${e.rawValue}"\n`).join(''));
    removeUsbBoot(rewritten);
    const orig = VmxDocument.parse(usbFixture('ws8-crlf.vmx'));
    const asMap = (d: VmxDocument) => new Map(d.entries().map((e) => [e.key.toLowerCase(), e.value]));
    assert.deepEqual(asMap(rewritten), asMap(orig));
  });

  it('a restored key the user deleted comes back on its own line', () => {
    const doc = VmxDocument.parse(usbFixture('ws9-cdrom-usb.vmx'));
    applyUsbBoot(doc, { iso: ISO });
    doc.unset('bios.bootOrder');
    removeUsbBoot(doc);
    assert.equal(doc.get('bios.bootOrder'), 'hdd,cdrom');
  });

  it('refuses a damaged record, leaving the file as it is', () => {
    for (const value of ['not json', '{"v":2,"route":"plop","keys":[]}', '{"v":1,"route":"plop","keys":[["memsize","displayName = |22x|22","1"]]}']) {
      const doc = VmxDocument.fromText(`memsize = "1"\n${USB_BOOT_UNDO_KEY} = "${value.replace(/"/g, '|22')}"\n`);
      const before = doc.toText();
      refusal(() => removeUsbBoot(doc), 'undo-record-invalid');
      assert.equal(doc.toText(), before);
    }
  });

  it('refuses when one of the recorded keys is now duplicated', () => {
    const doc = VmxDocument.parse(usbFixture('ws71-hw7-bios.vmx'));
    applyUsbBoot(doc, { iso: ISO });
    doc.insertLine(0, 'USB.present = "FALSE"');
    const before = doc.toText();
    refusal(() => removeUsbBoot(doc), 'duplicate-keys');
    assert.equal(doc.toText(), before);
  });
});

describe('usb boot helper: pieces', () => {
  it('boot order: CD first, the rest kept in order', () => {
    assert.equal(bootOrderWithCdFirst(undefined), 'cdrom,hdd');
    assert.equal(bootOrderWithCdFirst(''), 'cdrom,hdd');
    assert.equal(bootOrderWithCdFirst('hdd'), 'cdrom,hdd');
    assert.equal(bootOrderWithCdFirst('hdd, CDROM ,floppy'), 'cdrom,hdd,floppy');
    assert.equal(bootOrderWithCdFirst('CDROM,hdd'), undefined);
  });

  it('unified diff shows the added and changed lines with context', () => {
    const doc = VmxDocument.parse(usbFixture('ws9-cdrom-usb.vmx'));
    const after = doc.clone();
    applyUsbBoot(after, { iso: ISO });
    const diff = unifiedDiff(doc, after, 'ws9.vmx');
    assert.match(diff, /^--- ws9.vmx\n\+\+\+ ws9.vmx\n@@ /);
    assert.match(diff, /\n-bios\.bootOrder = "hdd,cdrom"\n/);
    assert.match(diff, /\n\+bios\.bootOrder = "cdrom,hdd"\n/);
    assert.match(diff, /\n\+ide1:1\.fileName = "\/home\/claire\/iso\/plpbt\.iso"\n/);
    assert.equal(unifiedDiff(doc, doc.clone(), 'x'), '');
  });
});

describe('usb boot helper: files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vlab-usbboot-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('an ISO 9660 image is accepted; a missing, short, non-ISO file or a folder is refused with the reason', async () => {
    const iso = path.join(dir, 'plpbt.iso');
    writeTinyIso(iso);
    await checkIsoImage(iso);
    const expectProblem = async (file: string, problem: string, msg: RegExp) => {
      await assert.rejects(checkIsoImage(file), (e: unknown) => e instanceof IsoImageError && e.problem === problem && msg.test(e.message));
    };
    await expectProblem(path.join(dir, 'nope.iso'), 'missing', /no such file/);
    writeFileSync(path.join(dir, 'short.iso'), Buffer.alloc(1000));
    await expectProblem(path.join(dir, 'short.iso'), 'not-iso', /CD001.*only 1000 bytes/);
    const fake = Buffer.alloc(40000);
    fake.write('CD002', 0x8001, 'ascii');
    writeFileSync(path.join(dir, 'fake.iso'), fake);
    await expectProblem(path.join(dir, 'fake.iso'), 'not-iso', /not an ISO 9660/);
    mkdirSync(path.join(dir, 'folder.iso'));
    await expectProblem(path.join(dir, 'folder.iso'), 'not-a-file', /not a file/);
    const shifted = Buffer.alloc(40000);
    shifted.write('CD001', 0x8000, 'ascii');
    assert.equal(hasIso9660Signature(shifted), false, 'the offset matters');
  });

  it('preflight: a *.lck beside the .vmx (file or folder) means running; a read-only file is refused', async () => {
    const vmx = path.join(dir, 'vm.vmx');
    writeFileSync(vmx, usbFixture('ws71-hw7-bios.vmx'));
    await preflightVmxFile(vmx);
    mkdirSync(path.join(dir, 'vm.vmx.lck'));
    await assert.rejects(preflightVmxFile(vmx), (e: unknown) => e instanceof UsbBootError && e.code === 'vm-running' && /vm\.vmx\.lck/.test(e.message) && /power it off/.test(e.message));
    rmSync(path.join(dir, 'vm.vmx.lck'), { recursive: true });
    writeFileSync(path.join(dir, 'vm.vmdk.lck'), '');
    await assert.rejects(preflightVmxFile(vmx), (e: unknown) => e instanceof UsbBootError && e.code === 'vm-running');
    rmSync(path.join(dir, 'vm.vmdk.lck'));
    chmodSync(vmx, 0o444);
    await assert.rejects(preflightVmxFile(vmx), (e: unknown) => e instanceof UsbBootError && e.code === 'read-only' && /read-only/.test(e.message));
  });
});
