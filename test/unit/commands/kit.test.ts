import * as assert from 'node:assert/strict';
import { CancelledError, LabError } from '../../../src/core/errors';
import { adviseOn } from '../../../src/extension/commands/advice';
import { isTreeNode, looksLikeUri, resolveArgs, type UriKind } from '../../../src/extension/commands/args';

/** A stand-in for vscode.Uri: the resolver only needs to recognise, parse and make file URIs. */
class FakeUri {
  constructor(readonly text: string) {}
}
const uris: UriKind<FakeUri> = {
  is: (x): x is FakeUri => x instanceof FakeUri,
  parse: (t) => new FakeUri(`parsed:${t}`),
  file: (p) => new FakeUri(`file:${p}`),
};

describe('command kit: argument resolver', () => {
  const vmNode = { type: 'item', conn: 'c1', key: 'vm-1' } as const;

  it('takes a tree node (with the multi-selection VS Code passes beside it)', () => {
    const r = resolveArgs([vmNode, [vmNode]], uris);
    assert.equal(r.node, vmNode);
    assert.equal(r.conn, 'c1');
    assert.equal(r.uri, undefined);
    assert.equal(r.options, undefined);
  });

  it('takes a connection id, or a { conn } ref that also carries options', () => {
    assert.deepEqual(resolveArgs(['c2'], uris), { node: undefined, conn: 'c2', uri: undefined, options: undefined });
    const r = resolveArgs<FakeUri, { thumbprint: string }>([{ conn: 'c3', thumbprint: 'AB:CD' }], uris);
    assert.equal(r.conn, 'c3');
    assert.equal(r.node, undefined);
    assert.equal(r.options?.thumbprint, 'AB:CD');
  });

  it('takes a URI, and options after it', () => {
    const u = new FakeUri('x');
    const r = resolveArgs([u, { confirm: false }], uris);
    assert.equal(r.uri, u);
    assert.deepEqual(r.options, { confirm: false });
  });

  it('reads options.uri as a URI string, a file path (POSIX or Windows) or a URI object', () => {
    assert.equal(resolveArgs<FakeUri>([{ uri: 'vsphere-ds://c1/ds/vm.vmx' }], uris).uri?.text, 'parsed:vsphere-ds://c1/ds/vm.vmx');
    assert.equal(resolveArgs<FakeUri>([{ uri: '/tmp/a.vmx' }], uris).uri?.text, 'file:/tmp/a.vmx');
    assert.equal(resolveArgs<FakeUri>([{ uri: 'C:\\vms\\a.vmx' }], uris).uri?.text, 'file:C:\\vms\\a.vmx');
    const u = new FakeUri('y');
    assert.equal(resolveArgs([{ uri: u }], uris).uri, u);
  });

  it('takes a node followed by script options, and ignores what it does not know', () => {
    const r = resolveArgs([vmNode, { confirm: false }], uris);
    assert.equal(r.node, vmNode);
    assert.deepEqual(r.options, { confirm: false });
    assert.deepEqual(resolveArgs([undefined, 42, null, new Date(0)], uris), { node: undefined, conn: undefined, uri: undefined, options: undefined });
  });

  it('a string after the first argument is not a connection id', () => {
    assert.equal(resolveArgs([undefined, 'password'], uris).conn, undefined);
  });

  it('recognises tree nodes and URI strings', () => {
    assert.ok(isTreeNode({ type: 'connection', conn: 'c' }));
    assert.ok(!isTreeNode({ type: 'vm', conn: 'c' }));
    assert.ok(!isTreeNode({ conn: 'c' }));
    assert.ok(looksLikeUri('file:///a'));
    assert.ok(!looksLikeUri('D:/a.vmx'));
    assert.ok(!looksLikeUri('a.vmx'));
  });
});

describe('command kit: error advice', () => {
  it('is silent on every kind of cancellation', () => {
    assert.ok(adviseOn(new CancelledError('Connecting')).silent);
    assert.ok(adviseOn(new DOMException('This operation was aborted', 'AbortError')).silent);
    assert.ok(adviseOn(new Error('wrapped', { cause: new CancelledError() })).silent);
    class HostCancel extends Error {}
    assert.ok(adviseOn(new HostCancel('Canceled'), (e) => e instanceof HostCancel).silent);
    assert.ok(!adviseOn(new Error('boom')).silent);
  });

  it('offers Retry for network-like codes only, and Show Log always', () => {
    assert.deepEqual(adviseOn(new LabError('network', 'Connection to x failed: …')).actions, ['retry', 'showLog']);
    assert.deepEqual(adviseOn(new LabError('timeout', 't')).actions, ['retry', 'showLog']);
    assert.deepEqual(adviseOn(new LabError('invalidLogin', 'wrong password')).actions, ['showLog']);
    assert.deepEqual(adviseOn(new Error('boom')).actions, ['showLog']);
  });

  it('marks errors nobody raised on purpose as unexpected and keeps the message', () => {
    const a = adviseOn(new TypeError('x is undefined'));
    assert.equal(a.unexpected, true);
    assert.equal(a.message, 'x is undefined');
    const b = adviseOn(new LabError('notFound', 'The VM no longer exists. Refresh the inventory.'));
    assert.equal(b.unexpected, false);
    assert.equal(b.code, 'notFound');
    assert.equal(adviseOn('plain text').message, 'plain text');
  });
});
