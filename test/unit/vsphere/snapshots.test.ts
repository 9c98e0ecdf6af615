/**
 * The pure parts of snapshots and console links: the tree flattened with paths and "you are here",
 * a snapshot found by name or path (ambiguity and absence said in words), the memory flag from the
 * snapshot's power state, the VMRC link's form, and the WebMKS capability by API version.
 */
import * as assert from 'node:assert/strict';
import { countSnapshots, findSnapshot, flattenSnapshots, hasMemory, type SnapshotTree } from '../../../src/core/vsphere/snapshots';
import { toSnapshotTree } from '../../../src/core/vsphere/vm';
import { vmrcUrl } from '../../../src/core/vsphere/console';
import { Generation } from '../../../src/core/vsphere/generation';
import { VsphereError } from '../../../src/core/vsphere/errors';

const ref = (v: string) => ({ type: 'VirtualMachineSnapshot', value: v });
const node = (v: string, name: string, state: string, children: unknown[] = []) => ({
  _type: 'VirtualMachineSnapshotTree', snapshot: ref(v), name, description: `${name}!`, id: Number(v.slice(9)), createTime: '2026-01-02T03:04:05Z', state, quiesced: v === 'snapshot-1', childSnapshotList: children,
});

const tree: SnapshotTree = {
  roots: toSnapshotTree([node('snapshot-1', 'base', 'poweredOff', [node('snapshot-2', 'patch', 'poweredOn'), node('snapshot-3', 'patch', 'suspended', [node('snapshot-4', 'deep', 'poweredOff')])])] as never),
  current: ref('snapshot-4'),
};

describe('snapshots (pure)', () => {
  it('flattens depth first with paths, depth, the current one and the memory flag', () => {
    const rows = flattenSnapshots(tree);
    assert.deepEqual(rows.map((r) => [r.path, r.depth, r.isCurrent, r.memory, !!r.quiesced]), [
      ['base', 0, false, false, true],
      ['base / patch', 1, false, true, false],
      ['base / patch', 1, false, true, false],
      ['base / patch / deep', 2, true, false, false],
    ]);
    assert.equal(countSnapshots(tree.roots), 4);
    assert.equal(rows[0].description, 'base!');
    assert.ok(hasMemory({ state: 'poweredOn' }) && hasMemory({ state: 'suspended' }) && !hasMemory({ state: 'poweredOff' }) && !hasMemory({}));
  });

  it('finds by name or path; two with the same path or name, or none, is an error that lists them', () => {
    assert.equal(findSnapshot(tree, 'deep').ref?.value, 'snapshot-4');
    assert.equal(findSnapshot(tree, 'base / patch / deep').ref?.value, 'snapshot-4');
    assert.equal(findSnapshot(tree, 'base').depth, 0);
    assert.throws(() => findSnapshot(tree, 'patch', 'web01'), (e: unknown) => e instanceof VsphereError && e.code === 'invalidArgument'
      && /web01 has 2 snapshots named "patch" \("base \/ patch" taken 2026-01-02T03:04:05Z, "base \/ patch" taken/.test(e.message));
    assert.throws(() => findSnapshot(tree, 'base / patch'), (e: unknown) => e instanceof VsphereError && e.code === 'invalidArgument');
    assert.throws(() => findSnapshot(tree, 'nope', 'web01'), (e: unknown) => e instanceof VsphereError && e.code === 'notFound' && /web01 has no snapshot "nope"\. Its snapshots: "base", /.test(e.message));
    assert.throws(() => findSnapshot({ roots: [] }, 'x', 'web01'), /It has no snapshots\./);
  });

  it('the VMRC link: vmrc://clone:TICKET@HOST[:PORT]/?moid=, the ticket and moid encoded, IPv6 bracketed', () => {
    const vm = { type: 'VirtualMachine', value: 'vm-42' };
    assert.equal(vmrcUrl('cst-ab12', { host: 'vc.lab.local', port: 443 }, vm), 'vmrc://clone:cst-ab12@vc.lab.local/?moid=vm-42');
    assert.equal(vmrcUrl('a b/c', { host: '10.0.0.5', port: 8443 }, vm), 'vmrc://clone:a%20b%2Fc@10.0.0.5:8443/?moid=vm-42');
    assert.equal(vmrcUrl('t', { host: 'fd00::5', port: 443 }, vm), 'vmrc://clone:t@[fd00::5]/?moid=vm-42');
  });

  it('the HTML5 console ticket (WebMKS) needs API 6.0: the generation model says so', () => {
    assert.equal(Generation.fromAbout({ version: '5.5.0', apiVersion: '5.5' })!.hasWebmksTicket, false);
    assert.equal(Generation.fromAbout({ version: '6.0.0', apiVersion: '6.0' })!.hasWebmksTicket, true);
    assert.equal(Generation.fromAbout({ version: '8.0.2', apiVersion: '8.0.2.0' })!.hasWebmksTicket, true);
    assert.equal(Generation.fromId('4.1')!.hasWebmksTicket, false);
  });
});
