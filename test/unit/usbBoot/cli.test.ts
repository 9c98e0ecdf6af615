import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CliIO } from '../../../src/cli/command';
import { runCli } from '../../../src/cli/main';
import { VmxDocument } from '../../../src/core/vmx/document';
import { usbFixture, writeTinyIso } from './helpers';

function io(cwd: string): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env: {}, cwd } as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  return o;
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('vlab vmx usb-boot', () => {
  let dir: string;
  let vmx: string;
  let iso: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vlab-usbboot-cli-'));
    vmx = path.join(dir, 'xp.vmx');
    writeFileSync(vmx, usbFixture('ws71-hw7-bios.vmx'));
    mkdirSync(path.join(dir, 'iso'));
    iso = path.join(dir, 'iso', 'plpbt.iso');
    writeTinyIso(iso);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function vlab(...argv: string[]) {
    const o = io(dir);
    const code = await runCli(['vmx', 'usb-boot', ...argv], o);
    return { code, out: o.out, err: o.err };
  }

  it('applies with --iso (relative path made absolute), keeps a backup, says what to do next; --undo restores every byte', async () => {
    const original = readFileSync(vmx);
    const r = await vlab('xp.vmx', '--iso', 'iso/plpbt.iso');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /USB boot helper applied \(backup: xp\.vmx\.bak\)/);
    assert.match(r.out, /route: Plop boot manager on a CD-ROM \(ide1:0\)/);
    assert.match(r.out, /bios\.bootOrder: \(absent\) → "cdrom,hdd"/);
    assert.match(r.out, /next: power on the VM.*pick USB/);
    const doc = VmxDocument.parse(readFileSync(vmx));
    assert.equal(doc.get('ide1:0.fileName'), iso);
    assert.ok(readFileSync(path.join(dir, 'xp.vmx.bak')).equals(original));
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');

    const u = await vlab('xp.vmx', '--undo', '--no-backup');
    assert.equal(u.code, 0, u.err);
    assert.match(u.out, /USB boot helper removed, 8 key\(s\) restored/);
    assert.ok(readFileSync(vmx).equals(original), 'byte-identical after --undo');
  });

  it('--dry-run prints the diff and writes nothing (also while the VM runs)', async () => {
    const before = sha(vmx);
    mkdirSync(path.join(dir, 'xp.vmx.lck'));
    const r = await vlab('xp.vmx', '--iso', iso, '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- xp\.vmx\n\+\+\+ xp\.vmx\n@@ /);
    assert.match(r.out, /\n\+ide1:0\.deviceType = "cdrom-image"\n/);
    assert.match(r.out, /\(dry run: nothing written\)/);
    assert.equal(sha(vmx), before);
    assert.ok(!existsSync(path.join(dir, 'xp.vmx.bak')));
  });

  it('--json: one document with the route, the changes and the notes', async () => {
    writeFileSync(vmx, usbFixture('ws11-hw11-xhci.vmx'));
    const r = await vlab('xp.vmx', '--iso', iso, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.action, 'apply');
    assert.equal(j.route, 'plop');
    assert.equal(j.cdSlot, 'ide1:0');
    assert.equal(j.controller, 'usb2');
    assert.equal(j.hardwareVersion, 11);
    assert.deepEqual(j.changes.find((c: { key: string }) => c.key === 'usb_xhci.present'), { key: 'usb_xhci.present', before: 'TRUE', after: 'FALSE', role: 'usb' });
    assert.ok(j.notes.some((n: { code: string }) => n.code === 'xhci-disabled'));
    const u = await vlab('xp.vmx', '--undo', '--json');
    const ju = JSON.parse(u.out);
    assert.equal(ju.action, 'remove');
    assert.deepEqual(ju.drift, []);
    assert.ok(readFileSync(vmx).equals(usbFixture('ws11-hw11-xhci.vmx')));
  });

  it('UEFI VM: the firmware route without an ISO', async () => {
    writeFileSync(vmx, usbFixture('ws16-uefi.vmx'));
    const r = await vlab('xp.vmx', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.route, 'firmware');
    assert.equal(j.controller, 'usb3');
    assert.equal(VmxDocument.parse(readFileSync(vmx)).get('bios.forceSetupOnce'), 'TRUE');
  });

  const refusals: [string, (d: string) => void, string[], string, RegExp][] = [
    ['the VM is running (*.lck)', (d) => mkdirSync(path.join(d, 'xp.vmx.lck')), ['--iso', 'iso/plpbt.iso'], 'vm-running', /power it off/],
    ['the file is read-only', () => chmodSync(path.join(dir, 'xp.vmx'), 0o444), ['--iso', 'iso/plpbt.iso'], 'read-only', /read-only/],
    ['the ISO is missing', () => undefined, ['--iso', 'iso/nope.iso'], 'iso-missing', /no such file/],
    ['the ISO is not an ISO 9660 image', (d) => writeFileSync(path.join(d, 'iso', 'plpbt.iso'), Buffer.alloc(40000)), ['--iso', 'iso/plpbt.iso'], 'not-iso', /CD001/],
    ['no ISO for the Plop route', () => undefined, [], 'iso-required', /ISO/],
    ['duplicate keys', (d) => writeFileSync(path.join(d, 'xp.vmx'), usbFixture('duplicates.vmx')), ['--iso', 'iso/plpbt.iso'], 'duplicate-keys', /quick fix/],
    ['no free CD slot', (d) => writeFileSync(path.join(d, 'xp.vmx'), usbFixture('ws7-full-ide.vmx')), ['--iso', 'iso/plpbt.iso'], 'no-free-cd-slot', /no free CD-ROM slot/],
    ['--undo on a file without the helper', () => undefined, ['--undo'], 'not-applied', /not applied/],
  ];
  for (const [what, setup, args, code, msg] of refusals) {
    it(`refuses (exit 1, file untouched) when ${what}`, async () => {
      setup(dir);
      const before = sha(vmx);
      const r = await vlab('xp.vmx', ...args);
      assert.equal(r.code, 1);
      assert.match(r.err, msg);
      assert.equal(sha(vmx), before);
      assert.ok(!existsSync(path.join(dir, 'xp.vmx.bak')));
      const j = await vlab('xp.vmx', ...args, '--json');
      assert.equal(j.code, 1);
      assert.equal(JSON.parse(j.out).error.code, code);
      assert.equal(sha(vmx), before);
    });
  }

  it('refuses a second apply and offers --undo', async () => {
    assert.equal((await vlab('xp.vmx', '--iso', iso)).code, 0);
    const before = sha(vmx);
    const r = await vlab('xp.vmx', '--iso', iso);
    assert.equal(r.code, 1);
    assert.match(r.err, /already applied.*--undo/);
    assert.equal(sha(vmx), before);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await vlab('xp.vmx', '--undo', '--iso', iso)).code, 2);
    assert.equal((await vlab('xp.vmx', '--route', 'magic')).code, 2);
    assert.equal((await vlab()).code, 2);
  });
});
