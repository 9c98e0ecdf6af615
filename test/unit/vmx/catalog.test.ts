import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmxValueType } from '../../../src/core/vmx/catalog-types';
import {
  allEntries, completionKeys, describeValue, findAllowedValue, lookupGuestByApiId, lookupKey, matchDescription,
} from '../../../src/core/vmx/catalog';

const TYPES: VmxValueType[] = ['bool', 'int', 'enum', 'string', 'path', 'size', 'float', 'uuid', 'mac', 'list'];
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'vmx');
/** Fixtures that are deliberately not real product output (parser torture tests). */
const SYNTHETIC = new Set(['garbage.vmx']);

function fitsType(type: VmxValueType, value: string): boolean {
  switch (type) {
    case 'bool': return /^(true|false)$/i.test(value);
    case 'int': case 'size': return /^-?\d+$/.test(value);
    case 'float': return /^-?\d+(\.\d+)?$/.test(value);
    default: return true;
  }
}

/** Keys of a .vmx file, read tolerantly (any byte encoding; keys are ASCII). */
function fixtureKeys(file: string): string[] {
  const text = readFileSync(join(FIXTURES, file), 'latin1').replace(/^\u00ef\u00bb\u00bf/, '');
  const keys: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = /^\s*([^#=\s"][^=\s]*)\s*=/.exec(line);
    if (m) keys.push(m[1]);
  }
  return keys;
}

describe('vmx catalog: schema', () => {
  const entries = allEntries();

  it('has at least 400 keys or patterns', () => {
    assert.ok(entries.length >= 400, `only ${entries.length} entries`);
  });

  it('every entry has the required fields and a valid type', () => {
    for (const e of entries) {
      assert.ok(e.key && e.key.trim() === e.key, `bad key ${JSON.stringify(e.key)}`);
      assert.ok(e.description.length >= 10, `${e.key}: description too short`);
      assert.ok(TYPES.includes(e.type), `${e.key}: bad type ${e.type}`);
      assert.ok(typeof e.source === 'string' && e.source.trim().length > 0, `${e.key}: empty source`);
      const placeholders = e.key.match(/\{[^}]*\}/g) ?? [];
      for (const p of placeholders) assert.ok(['{n}', '{m}', '{name}'].includes(p), `${e.key}: unknown placeholder ${p}`);
    }
  });

  it('hardware requirements are whole known versions with a source; only booleans carry them at entry level', () => {
    const reqs: [string, { version: number; source: string }][] = [];
    for (const e of entries) {
      if (e.minHardware) { assert.equal(e.type, 'bool', e.key); reqs.push([e.key, e.minHardware]); }
      for (const v of e.values ?? []) if (v.minHardware) reqs.push([`${e.key}=${v.value}`, v.minHardware]);
    }
    assert.ok(reqs.length >= 10, `only ${reqs.length} requirements`);
    const hw = lookupKey('virtualHW.version')!.entry.values!.map((v) => Number(v.value));
    for (const [k, r] of reqs) {
      assert.ok(hw.includes(r.version), `${k}: ${r.version} is not a known hardware version`);
      assert.ok(r.source.trim().length > 20, `${k}: no source`);
    }
  });

  it('products are filled for the hardware-gated keys (ESXi release of their minimum version)', () => {
    const esx = (k: string) => lookupKey(k)?.entry.products?.esx;
    assert.equal(esx('nvme0.present'), '6.5+');
    assert.equal(esx('nvme0:0.fileName'), '6.5+');
    assert.equal(esx('sata1.present'), '5.5+');
    assert.equal(esx('usb_xhci.present'), '5.0+');
    assert.equal(esx('uefi.secureBoot.enabled'), '6.5+');
    assert.equal(esx('vhv.enable'), '5.1+');
    assert.equal(esx('scsi0:0.ctkEnabled'), '4.0+');
    for (const e of entries) {
      if (!e.products) continue;
      assert.ok(Object.keys(e.products).length > 0, e.key);
      assert.match(e.source, /Hardware Features Available|DOMAIN/, `${e.key}: products without their source`);
    }
  });

  it('enum entries have values; values are unique and described', () => {
    for (const e of entries) {
      if (e.type === 'enum') assert.ok(e.values && e.values.length > 0, `${e.key}: enum without values`);
      if (e.closed !== undefined) assert.ok(e.values && e.values.length > 0, `${e.key}: closed without values`);
      const seen = new Set<string>();
      for (const v of e.values ?? []) {
        assert.ok(v.value.length > 0 && v.description.length > 0, `${e.key}: empty value or description`);
        const k = v.value.toLowerCase();
        assert.ok(!seen.has(k), `${e.key}: duplicate value ${v.value}`);
        seen.add(k);
      }
    }
  });

  it('defaults fit the type, the bounds and the allowed values', () => {
    for (const e of entries) {
      if (e.min !== undefined && e.max !== undefined) assert.ok(e.min <= e.max, `${e.key}: min > max`);
      if (e.default === undefined) continue;
      const allowed = findAllowedValue(e, e.default);
      if (e.type === 'enum' && e.closed) assert.ok(allowed, `${e.key}: default ${e.default} not among values`);
      if (allowed) continue;
      assert.ok(fitsType(e.type, e.default), `${e.key}: default ${e.default} does not fit ${e.type}`);
      if ((e.type === 'int' || e.type === 'size') && e.default !== '') {
        const n = Number(e.default);
        if (e.min !== undefined) assert.ok(n >= e.min, `${e.key}: default below min`);
        if (e.max !== undefined) assert.ok(n <= e.max, `${e.key}: default above max`);
      }
    }
  });

  it('has no duplicate keys or patterns (case-insensitive)', () => {
    const seen = new Set<string>();
    for (const e of entries) {
      const k = e.key.toLowerCase();
      assert.ok(!seen.has(k), `duplicate ${e.key}`);
      seen.add(k);
    }
  });

  it('every pattern resolves to itself when its placeholders are filled', () => {
    for (const e of entries) {
      if (!e.key.includes('{')) continue;
      const concrete = e.key.replace('{n}', '3').replace('{m}', '1').replace('{name}', 'someName.x');
      assert.equal(lookupKey(concrete)?.entry.key, e.key, `${concrete} did not resolve to ${e.key}`);
    }
  });
});

describe('vmx catalog: lookup', () => {
  it('finds exact keys case-insensitively', () => {
    assert.equal(lookupKey('guestOS')?.entry.key, 'guestOS');
    assert.equal(lookupKey('GUESTOS')?.entry.key, 'guestOS');
    assert.equal(lookupKey('memSize')?.entry.key, 'memsize');
    assert.equal(lookupKey('  disk.enableuuid ')?.entry.key, 'disk.EnableUUID');
    assert.deepEqual(lookupKey('firmware')?.captures, {});
  });

  it('finds pattern keys and returns the captured indices', () => {
    const m = lookupKey('scsi1:12.fileName');
    assert.equal(m?.entry.key, 'scsi{n}:{m}.fileName');
    assert.deepEqual(m?.captures, { n: '1', m: '12' });
    const e = lookupKey('Ethernet10.VirtualDev');
    assert.equal(e?.entry.key, 'ethernet{n}.virtualDev');
    assert.deepEqual(e?.captures, { n: '10' });
    assert.equal(lookupKey('sched.nvme0:3.shares')?.entry.key, 'sched.nvme{n}:{m}.shares');
    assert.deepEqual(lookupKey('usb_xhci:4.port')?.captures, { n: '4' });
    assert.deepEqual(lookupKey('cpuid.80000002.0.eax')?.captures, { n: '80000002', m: '0' });
    assert.deepEqual(lookupKey('ethernet1.filter0.name')?.captures, { n: '1', m: '0' });
  });

  it('matches open namespaces with {name}', () => {
    const g = lookupKey('guestinfo.metadata.encoding');
    assert.equal(g?.entry.key, 'guestinfo.{name}');
    assert.deepEqual(g?.captures, { name: 'metadata.encoding' });
    // An exact key inside a namespace-like prefix still wins.
    assert.equal(lookupKey('guestInfo.detailed.data')?.entry.key, 'guestInfo.detailed.data');
    assert.equal(lookupKey('answer.msg.uuid.altered')?.entry.key, 'answer.msg.uuid.altered');
    assert.equal(lookupKey('answer.msg.disk.noBackEnd')?.entry.key, 'answer.msg.{name}');
  });

  it('exact keys win over patterns', () => {
    assert.equal(lookupKey('hpet0.present')?.entry.key, 'hpet0.present');
    assert.equal(lookupKey('pciPassthru.use64bitMMIO')?.entry.key, 'pciPassthru.use64bitMMIO');
  });

  it('does not match look-alikes', () => {
    assert.equal(lookupKey('scsi0:0.fileNameX'), undefined);
    assert.equal(lookupKey('ethernetX.present'), undefined);
    assert.equal(lookupKey('scsi0.0.present'), undefined);
    assert.equal(lookupKey('pciPassthru*.present'), undefined);
    assert.equal(lookupKey(''), undefined);
  });

  it('substitutes captures into the description', () => {
    const m = lookupKey('ide1:0.present');
    assert.ok(m);
    assert.match(matchDescription(m), /device 0 on IDE controller 1/);
  });

  it('is fast enough for thousands of keys per lint run', () => {
    const keys = ['guestOS', 'scsi0:1.fileName', 'ethernet3.generatedAddress', 'guestinfo.a.b', 'sched.scsi1:2.shares', 'no.such.key'];
    const start = process.hrtime.bigint();
    for (let i = 0; i < 20000; i++) lookupKey(keys[i % keys.length]);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(ms < 500, `20000 lookups took ${ms.toFixed(1)} ms`);
  });
});

describe('vmx catalog: values', () => {
  it('describes guestOS ids with the OS name and API id', () => {
    assert.equal(describeValue('guestOS', 'windows7srv-64'), 'Windows Server 2008 R2 (64-bit) — API id windows7Server64Guest');
    assert.match(describeValue('guestos', 'WINNETENTERPRISE') ?? '', /Server 2003 Enterprise.*winNetEnterpriseGuest/);
    assert.match(describeValue('guestOS', 'longhorn-64') ?? '', /Server 2008 \(64-bit\).*winLonghorn64Guest/);
    assert.match(describeValue('guestOS', 'rhel5-64') ?? '', /Red Hat Enterprise Linux 5 \(64-bit\)/);
    assert.match(describeValue('guestOS', 'other26xlinux-64') ?? '', /2\.6\.x.*other26xLinux64Guest/);
    assert.match(describeValue('guestOS', 'darwin10') ?? '', /10\.6/);
    assert.equal(describeValue('guestOS', 'no-such-os'), undefined);
  });

  it('describes virtualHW.version with the products that introduced it', () => {
    assert.match(describeValue('virtualHW.version', '4') ?? '', /ESX 3\.x/);
    assert.match(describeValue('virtualHW.version', '7') ?? '', /ESX\/ESXi 4\.x.*Workstation 6\.5/);
    assert.match(describeValue('virtualHW.version', '8') ?? '', /ESXi 5\.0.*Workstation 8/);
    assert.match(describeValue('virtualHW.version', '9') ?? '', /ESXi 5\.1.*Workstation 9/);
    assert.match(describeValue('virtualHW.version', '10') ?? '', /ESXi 5\.5.*Workstation 10/);
    assert.match(describeValue('virtualHW.version', '11') ?? '', /ESXi 6\.0.*Workstation 11/);
    assert.match(describeValue('virtualHW.version', '13') ?? '', /ESXi 6\.5/);
    assert.match(describeValue('virtualHW.version', '14') ?? '', /ESXi 6\.7.*Workstation Pro\/Player 14/);
    assert.match(describeValue('virtualHW.version', '21') ?? '', /ESXi 8\.0 Update 2/);
    const versions = lookupKey('virtualHW.version')?.entry.values?.map((v) => v.value);
    assert.deepEqual(versions, ['3', '4', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21']);
  });

  it('describes other enums, sizes and memsize', () => {
    assert.match(describeValue('scsi0.virtualDev', 'pvscsi') ?? '', /Paravirtual/);
    assert.match(describeValue('ethernet2.virtualDev', 'E1000E') ?? '', /82574/);
    assert.match(describeValue('scsi0:1.mode', 'independent-persistent') ?? '', /snapshots/);
    assert.match(describeValue('ide1:0.deviceType', 'cdrom-image') ?? '', /ISO/);
    assert.equal(describeValue('svga.vramSize', '8388608'), '8 MiB');
    assert.equal(describeValue('memsize', '4096'), '4 GiB of guest memory');
    assert.equal(describeValue('displayName', 'x'), undefined);
    assert.equal(describeValue('no.such.key', 'x'), undefined);
  });

  it('covers the required device enums', () => {
    const values = (key: string) => (lookupKey(key)?.entry.values ?? []).map((v) => v.value);
    assert.deepEqual(values('scsi0.virtualDev').sort(), ['buslogic', 'lsilogic', 'lsisas1068', 'pvscsi']);
    for (const nic of ['e1000', 'e1000e', 'vmxnet', 'vmxnet2', 'vmxnet3', 'vlance']) assert.ok(values('ethernet0.virtualDev').includes(nic), nic);
    for (const bus of ['ide0:0', 'scsi0:0', 'sata0:0', 'nvme0:0']) {
      for (const t of ['cdrom-image', 'atapi-cdrom', 'cdrom-raw', 'disk', 'scsi-hardDisk', 'rawDisk']) assert.ok(values(`${bus}.deviceType`).includes(t), `${bus} ${t}`);
      for (const mode of ['persistent', 'independent-persistent', 'independent-nonpersistent', 'nonpersistent', 'undoable']) assert.ok(values(`${bus}.mode`).includes(mode), `${bus} ${mode}`);
    }
    assert.deepEqual(values('firmware'), ['bios', 'efi']);
    for (const op of ['powerOn', 'powerOff', 'suspend', 'reset']) assert.deepEqual(values(`powerType.${op}`), ['soft', 'hard', 'default']);
  });

  it('records the VDR / Windows 2008 fact on disk.EnableUUID', () => {
    const d = lookupKey('disk.EnableUUID')?.entry;
    assert.ok(d);
    assert.match(d.description, /2008/);
    assert.match(d.description, /VDDK 1\.1/);
    assert.match(d.description, /FALSE/);
  });

  it('maps API guest ids back to .vmx ids, preferring the canonical id', () => {
    assert.equal(lookupGuestByApiId('windows7Server64Guest')?.value, 'windows7srv-64');
    assert.equal(lookupGuestByApiId('WINLONGHORN64GUEST')?.value, 'longhorn-64');
    assert.equal(lookupGuestByApiId('mandriva64Guest')?.value, 'mandriva-64');
    assert.equal(lookupGuestByApiId('otherLinuxGuest')?.value, 'otherlinux');
    assert.equal(lookupGuestByApiId('noSuchGuest'), undefined);
  });
});

describe('vmx catalog: completion', () => {
  const keysOf = (existing: string[]) => completionKeys(existing).map((c) => c.key);

  it('offers the next free NIC index and missing keys of NICs in use', () => {
    const keys = keysOf(['ethernet0.present', 'ethernet0.virtualDev']);
    assert.ok(keys.includes('ethernet1.virtualDev'));
    assert.ok(keys.includes('ethernet1.present'));
    assert.ok(keys.includes('ethernet0.networkName'));
    assert.ok(!keys.includes('ethernet0.present'));
    assert.ok(!keys.includes('ethernet2.present'));
  });

  it('is case-insensitive about existing keys', () => {
    const keys = keysOf(['Ethernet0.Present', 'GUESTOS']);
    assert.ok(!keys.includes('ethernet0.present'));
    assert.ok(!keys.map((k) => k.toLowerCase()).includes('guestos'));
    assert.ok(keys.includes('ethernet1.present'));
  });

  it('offers the next free unit on controllers in use, skipping SCSI unit 7', () => {
    const six = [0, 1, 2, 3, 4, 5, 6].map((m) => `scsi0:${m}.present`);
    const keys = keysOf(['scsi0.present', ...six]);
    assert.ok(keys.includes('scsi0:8.fileName'));
    assert.ok(!keys.includes('scsi0:7.fileName'));
    assert.ok(keys.includes('sched.scsi0:8.shares'));
    assert.ok(keys.includes('scsi1.present'));
    const ide = keysOf(['ide0:0.present', 'ide0:1.present']);
    assert.ok(ide.includes('ide1:0.present'));
    assert.ok(!ide.includes('ide0:2.present'));
  });

  it('offers unit 0 on controller 0 for an empty file, and plain keys', () => {
    const all = completionKeys([]);
    const keys = all.map((c) => c.key);
    assert.ok(keys.includes('scsi0:0.fileName'));
    assert.ok(keys.includes('ethernet0.virtualDev'));
    assert.ok(keys.includes('guestOS'));
    assert.equal(all.find((c) => c.key === 'guestinfo.{name}')?.kind, 'template');
    assert.equal(all.find((c) => c.key === 'guestOS')?.kind, 'key');
    assert.equal(all.find((c) => c.key === 'ethernet0.present')?.kind, 'device');
    assert.equal(new Set(keys.map((k) => k.toLowerCase())).size, keys.length, 'duplicates in completion');
  });
});

describe('vmx catalog: coverage of real-product fixtures', () => {
  it('resolves at least 95% of the distinct keys in test/fixtures/vmx', function () {
    let files: string[];
    try {
      files = readdirSync(FIXTURES).filter((f) => f.endsWith('.vmx') && !SYNTHETIC.has(f));
    } catch {
      this.skip();
      return;
    }
    if (files.length === 0) this.skip();
    const distinct = new Map<string, string>();
    for (const f of files) for (const k of fixtureKeys(f)) if (!distinct.has(k.toLowerCase())) distinct.set(k.toLowerCase(), `${f}: ${k}`);
    const missing = [...distinct.entries()].filter(([k]) => !lookupKey(k)).map(([, where]) => where);
    const pct = (100 * (distinct.size - missing.length)) / distinct.size;
    console.log(`      catalog coverage: ${distinct.size - missing.length}/${distinct.size} distinct keys (${pct.toFixed(1)}%) in ${files.length} fixtures`);
    if (missing.length) console.log(`      unresolved: ${missing.join(', ')}`);
    assert.ok(pct >= 95, `coverage ${pct.toFixed(1)}% < 95%: ${missing.join(', ')}`);
  });

  it('resolves every key of our own catalog-*.vmx fixtures', () => {
    for (const f of readdirSync(FIXTURES).filter((x) => x.startsWith('catalog-') && x.endsWith('.vmx'))) {
      for (const k of fixtureKeys(f)) assert.ok(lookupKey(k), `${f}: ${k} not in catalog`);
    }
  });
});
