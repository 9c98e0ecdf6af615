/**
 * Snapshots against vcsim: the core (core/vsphere/snapshots.ts) and `vlab snapshot` through the real
 * dispatcher. Round trip: two nested snapshots, the tree and "you are here", revert, remove one (its
 * child moves up), remove all; the CLI's exit codes and JSON. Also the console links vcsim can give
 * (a VMRC clone ticket; no WebMKS ticket: vcsim does not implement AcquireTicket).
 */
import assert from 'node:assert/strict';
import { withLab } from '../../lab';
import { runCli } from '../../../src/cli/main';
import { commands } from '../../../src/cli/commands/snapshot';
import type { CliIO } from '../../../src/cli/command';
import { VimClient } from '../../../src/core/vsphere/client';
import { retrieve } from '../../../src/core/vsphere/property';
import type { MoRef } from '../../../src/core/vsphere/decode';
import {
  countSnapshots, createSnapshot, findSnapshot, flattenSnapshots, getSnapshotTree, removeAllSnapshots, removeSnapshot, revertToSnapshot,
} from '../../../src/core/vsphere/snapshots';
import { consoleLinks, vmrcUrl } from '../../../src/core/vsphere/console';
import { TaskError, VsphereError } from '../../../src/core/vsphere/errors';
import { powerOff } from '../../../src/core/vsphere/vm';

const USER = 'admin';
const PASS = 'Snap-s3cret!';

function io(env: Record<string, string> = { VLAB_PASSWORD: PASS }): CliIO & { out: string; err: string } {
  const r = {
    out: '', err: '', env, cwd: process.cwd(),
    stdout(t: string) { r.out += t; },
    stderr(t: string) { r.err += t; },
  };
  return r;
}

describe('snapshots against vcsim', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 1, vm: 2, username: USER, password: PASS } });
  let client: VimClient;
  let vm: MoRef;
  let vmName: string;

  before(async () => {
    client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: USER, password: PASS, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    lab.beforeStop(() => client.close());
    const vms = await retrieve(client, 'VirtualMachine', ['name']);
    const sorted = vms.sort((a, b) => String(a.props.name).localeCompare(String(b.props.name)));
    vm = sorted[0].obj;
    vmName = String(sorted[0].props.name);
  });

  it('round trip: two nested snapshots, the tree and the current one, revert, remove one, remove all', async () => {
    assert.equal(countSnapshots((await getSnapshotTree(client, vm)).roots), 0);
    const progress: number[] = [];
    const base = await createSnapshot(client, vm, { name: 'base', description: 'before the upgrade', memory: true, quiesce: true }, { onProgress: (p) => { if (p.progress !== undefined) progress.push(p.progress); } });
    assert.ok(base, 'the task returns the new snapshot');
    assert.equal(progress.at(-1), 100, 'progress reaches 100 %');
    const child = await createSnapshot(client, vm, { name: 'after', description: '' });
    let tree = await getSnapshotTree(client, vm);
    assert.equal(tree.roots.length, 1);
    assert.equal(tree.roots[0].name, 'base');
    assert.equal(tree.roots[0].description, 'before the upgrade');
    assert.equal(tree.roots[0].quiesced, true);
    assert.equal(tree.roots[0].children[0].name, 'after', 'the second is a child of the first (taken from it)');
    assert.equal(tree.current?.value, child?.value, 'you are here: the last one taken');
    const rows = flattenSnapshots(tree);
    assert.deepEqual(rows.map((r) => [r.path, r.depth, r.isCurrent]), [['base', 0, false], ['base / after', 1, true]]);
    assert.ok(rows[0].createTime && Date.now() - Date.parse(rows[0].createTime) < 60_000, 'created just now');
    assert.equal(rows[0].memory, true, 'taken while powered on: memory state');

    await revertToSnapshot(client, base!);
    tree = await getSnapshotTree(client, vm);
    assert.equal(tree.current?.value, base?.value, 'after the revert the VM stands at base');

    // A second branch from base; then base goes and its two children move up.
    const other = await createSnapshot(client, vm, { name: 'other' });
    await removeSnapshot(client, base!, { removeChildren: false });
    tree = await getSnapshotTree(client, vm);
    assert.deepEqual(flattenSnapshots(tree).map((r) => r.path).sort(), ['after', 'other'], 'the children move up');
    assert.equal(tree.current?.value, other?.value);

    const after = flattenSnapshots(tree).find((r) => r.name === 'after')!;
    await removeSnapshot(client, after.ref!, { removeChildren: true });
    assert.deepEqual(flattenSnapshots(await getSnapshotTree(client, vm)).map((r) => r.path), ['other']);
    await createSnapshot(client, vm, { name: 'third' });
    assert.deepEqual(flattenSnapshots(await getSnapshotTree(client, vm)).map((r) => r.path), ['other', 'other / third']);

    // The current snapshot at the root goes: the VM stands on none (the lab's vcsim fixes 0.24's
    // panic here: test/lab/vcsim/snapshots.go), and a new one becomes a root.
    await revertToSnapshot(client, other!);
    await removeSnapshot(client, other!, { removeChildren: false });
    tree = await getSnapshotTree(client, vm);
    assert.deepEqual(flattenSnapshots(tree).map((r) => r.path), ['third']);
    assert.equal(tree.current, undefined, 'no current snapshot');
    await createSnapshot(client, vm, { name: 'fourth' });
    assert.deepEqual(flattenSnapshots(await getSnapshotTree(client, vm)).map((r) => r.path).sort(), ['fourth', 'third']);
    await removeAllSnapshots(client, vm);
    tree = await getSnapshotTree(client, vm);
    assert.equal(countSnapshots(tree.roots), 0);
    assert.equal(tree.current, undefined);
  });

  it('names: a path picks among equal names; an unknown one lists what there is; a blank name is refused before any call', async () => {
    const root = await createSnapshot(client, vm, { name: 'same' });
    await createSnapshot(client, vm, { name: 'same' });
    let tree = await getSnapshotTree(client, vm);
    assert.equal(findSnapshot(tree, 'same / same').depth, 1, 'a path names the child');
    assert.equal(findSnapshot(tree, 'same').depth, 0, 'the name that is also a whole path names the root');
    await revertToSnapshot(client, root!);
    await createSnapshot(client, vm, { name: 'same' });
    tree = await getSnapshotTree(client, vm);
    assert.throws(() => findSnapshot(tree, 'same / same', vmName), (e: unknown) => e instanceof VsphereError && e.code === 'invalidArgument' && /2 snapshots named "same \/ same"|snapshots named/.test(e.message));
    assert.throws(() => findSnapshot(tree, 'nope', vmName), (e: unknown) => e instanceof VsphereError && e.code === 'notFound' && /"same \/ same"/.test(e.message));
    await assert.rejects(createSnapshot(client, vm, { name: '  ' }), (e: unknown) => e instanceof VsphereError && e.code === 'invalidArgument');
    await removeAllSnapshots(client, vm);
  });

  it('a removed snapshot cannot be reverted to: the error says what failed', async () => {
    const s = await createSnapshot(client, vm, { name: 'gone' });
    await removeAllSnapshots(client, vm);
    await assert.rejects(revertToSnapshot(client, s!), (e: unknown) => e instanceof VsphereError && /no longer exists|failed/.test(e.message));
  });

  it('a cancelled wait stops with the one CancelledError', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(createSnapshot(client, vm, { name: 'x' }, { signal: ac.signal }), (e: unknown) => (e as { code?: string }).code === 'cancelled');
    await removeAllSnapshots(client, vm);
  });

  it('console: a VMRC clone ticket URL; no WebMKS ticket on vcsim, or on a powered-off VM, each said in words', async () => {
    const links = await consoleLinks(client, vm, { powerState: 'poweredOn' });
    assert.ok('url' in links.vmrc, JSON.stringify(links.vmrc));
    const host = new URL(lab.vcsim.sdkUrl);
    assert.match(links.vmrc.url, new RegExp(`^vmrc://clone:[^@]+@${host.hostname.replace(/\./g, '\\.')}:${host.port}/\\?moid=${vm.value}$`));
    assert.ok(!('url' in links.webmks));
    assert.equal(links.webmks.reason, 'unsupported');
    assert.match(links.webmks.message, /does not offer the HTML5 console|needs vSphere API 6\.0/);
    const off = await consoleLinks(client, vm, { powerState: 'poweredOff' });
    assert.ok(!('url' in off.webmks) && (off.webmks.reason === 'poweredOff' || off.webmks.reason === 'unsupported'));
    assert.equal(vmrcUrl('t/1', { host: 'vc.lab', port: 443 }, { type: 'VirtualMachine', value: 'vm-7' }), 'vmrc://clone:t%2F1@vc.lab/?moid=vm-7');
    assert.equal(vmrcUrl('t', { host: 'fe80::1', port: 8443 }, { type: 'VirtualMachine', value: 'vm-7' }), 'vmrc://clone:t@[fe80::1]:8443/?moid=vm-7');
  });

  describe('vlab snapshot', () => {
    const base = () => [lab.vcsim.sdkUrl, '--user', USER, '--thumbprint', lab.vcsim.thumbprintSha256, '--vm', vmName];

    it('create, ls (tree, current, JSON), revert, rm, rm --all: exit 0 and one JSON document each', async () => {
      let o = io();
      assert.equal(await runCli(['snapshot', 'create', ...base(), '--name', 'one', '--description', 'first', '--json'], o, commands), 0, o.err);
      assert.equal((JSON.parse(o.out) as { created: string }).created, 'one');
      o = io();
      assert.equal(await runCli(['snapshot', 'create', ...base(), '--name', 'two', '--quiesce'], o, commands), 0, o.err);
      assert.match(o.out, /snapshot "two" taken/);

      o = io();
      assert.equal(await runCli(['snapshot', 'ls', ...base(), '--json'], o, commands), 0, o.err);
      const doc = JSON.parse(o.out) as { vm: string; current: string; snapshots: { name: string; path: string; depth: number; current: boolean; quiesced: boolean; description: string }[] };
      assert.equal(doc.vm, vmName);
      assert.equal(doc.current, 'one / two');
      assert.deepEqual(doc.snapshots.map((s) => [s.path, s.depth, s.current, s.quiesced]), [['one', 0, false, false], ['one / two', 1, true, true]]);
      assert.equal(doc.snapshots[0].description, 'first');

      o = io();
      assert.equal(await runCli(['snapshot', 'ls', ...base()], o, commands), 0, o.err);
      assert.match(o.out, /2 snapshots \(\* = you are here\)/);
      assert.match(o.out, /^ {2}one {2}\d{4}-\d\d-\d\d .*— first$/m);
      assert.match(o.out, /^\* {3}two /m, 'the current one starred and indented under its parent');

      o = io();
      assert.equal(await runCli(['snapshot', 'revert', ...base(), '--name', 'one', '--json'], o, commands), 0, o.err);
      assert.equal((JSON.parse(o.out) as { current: string }).current, 'one');
      assert.equal(flattenSnapshots(await getSnapshotTree(client, vm)).find((r) => r.isCurrent)?.name, 'one');

      o = io();
      assert.equal(await runCli(['snapshot', 'rm', ...base(), '--name', 'one', '--children', '--json'], o, commands), 0, o.err);
      assert.equal((JSON.parse(o.out) as { removed: number }).removed, 2);
      assert.equal(countSnapshots((await getSnapshotTree(client, vm)).roots), 0);

      for (const n of ['a', 'b']) assert.equal(await runCli(['snapshot', 'create', ...base(), '--name', n], io(), commands), 0);
      o = io();
      assert.equal(await runCli(['snapshot', 'rm', ...base(), '--all', '--json'], o, commands), 0, o.err);
      assert.equal((JSON.parse(o.out) as { removed: number }).removed, 2);
      o = io();
      assert.equal(await runCli(['snapshot', 'ls', ...base()], o, commands), 0, o.err);
      assert.match(o.out, /no snapshots/);
    });

    it('failures exit 1 with the reason (JSON error too); bad usage exits 2', async () => {
      let o = io();
      assert.equal(await runCli(['snapshot', 'revert', ...base(), '--name', 'missing', '--json'], o, commands), 1);
      const err = JSON.parse(o.out) as { error: { code: string; message: string } };
      assert.equal(err.error.code, 'notFound');
      assert.match(err.error.message, /has no snapshot "missing"/);
      o = io();
      assert.equal(await runCli(['snapshot', 'ls', lab.vcsim.sdkUrl, '--user', USER, '--thumbprint', lab.vcsim.thumbprintSha256, '--vm', 'no-such-vm'], o, commands), 1);
      assert.match(o.err, /no VM named "no-such-vm"/);
      o = io();
      assert.equal(await runCli(['snapshot', 'create', ...base()], o, commands), 2, 'create without --name');
      assert.match(o.err, /--name is required/);
      o = io();
      assert.equal(await runCli(['snapshot', 'ls', lab.vcsim.sdkUrl, '--user', USER, '--insecure', '--thumbprint', lab.vcsim.thumbprintSha256, '--vm', vmName], o, commands), 2);
      o = io({ VLAB_PASSWORD: 'wrong' });
      assert.equal(await runCli(['snapshot', 'ls', ...base()], o, commands), 1);
      assert.match(o.err, /user name or password is incorrect/);
      assert.ok(!o.err.includes('wrong'));
    });

    it('a powered-off VM: a snapshot still works, its state says no memory', async () => {
      await powerOff(client, vm).catch((e: unknown) => { if (!(e instanceof TaskError || e instanceof VsphereError)) throw e; });
      const o = io();
      assert.equal(await runCli(['snapshot', 'create', ...base(), '--name', 'cold'], o, commands), 0, o.err);
      const j = io();
      assert.equal(await runCli(['snapshot', 'ls', ...base(), '--json'], j, commands), 0, j.err);
      const snaps = (JSON.parse(j.out) as { snapshots: { name: string; memory: boolean; state: string }[] }).snapshots;
      assert.deepEqual(snaps.map((s) => [s.name, s.memory, s.state]), [['cold', false, 'poweredOff']]);
      await removeAllSnapshots(client, vm);
    });
  });
});
