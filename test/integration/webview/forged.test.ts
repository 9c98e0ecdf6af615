/**
 * Webview messages are untrusted input: forged messages, as a compromised webview could post them,
 * change nothing. Request names are looked up among the controller's own handlers only (never
 * `constructor`, `__proto__`, `toString`… inherited from Object.prototype).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PanelHost } from '../../../src/extension/panels/panelHost';
import type { EchoProtocol, EchoState } from './echoProtocol';

interface Forgeable {
  receive(m: unknown): Promise<void>;
  send(m: unknown): Thenable<boolean>;
}

describe('webview protocol: forged messages change nothing (real VS Code)', () => {
  it('a request named after an Object.prototype member is unknown, and no handler runs', async () => {
    const ext = vscode.extensions.getExtension('vsphere-lab.vsphere-lab')!;
    await ext.activate();
    const context = { extensionUri: ext.extensionUri, subscriptions: [] } as unknown as vscode.ExtensionContext;
    const ran: string[] = [];
    const host = PanelHost.show<EchoProtocol, EchoState>(context, {
      viewType: 'vsphereLab.test.forged', bundle: 'test-echo',
      key: (s) => s.name, title: (s) => `Forged ${s.name}`,
      controller: () => ({
        handlers: {
          // The real webview may say hello on its own; a forged call would carry { x: 1 }.
          hello: async (p) => { if ((p as unknown as { x?: number }).x) ran.push('hello'); },
          pong: async (p) => { if ((p as unknown as { x?: number }).x) ran.push('pong'); return { ok: true }; },
          fail: async () => { throw new Error('x'); },
          slow: async () => undefined,
          report: async (p) => { if ((p as unknown as { x?: number }).x) ran.push('report'); },
        },
      }),
    }, { name: 'forged' });
    try {
      const f = host as unknown as Forgeable;
      const sent: Array<{ kind: string; id?: number; result?: unknown; error?: { code: string } }> = [];
      // Only the answers to the forged requests (ids above 1000) are kept; the real webview may talk too.
      f.send = (m: unknown) => { if (((m as { id?: number }).id ?? 0) > 1000) sent.push(m as (typeof sent)[number]); return Promise.resolve(true); };
      const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
      let id = 1000;
      for (const method of names) await f.receive({ kind: 'request', id: ++id, method, params: { x: 1 } });
      assert.equal(sent.length, names.length);
      for (const r of sent) {
        assert.equal(r.kind, 'response');
        assert.equal(r.error?.code, 'unknown', JSON.stringify(r));
        assert.equal(r.result, undefined);
      }
      // Not a request at all: ignored.
      for (const junk of [null, 42, 'hello', { kind: 'request', id: 'x', method: 'hello' }, { kind: 'request', id: 1, method: ['hello'] }]) await f.receive(junk);
      assert.equal(sent.length, names.length);
      assert.deepEqual(ran, []);
      // The tests' own path (call) refuses them too.
      await assert.rejects(host.call('constructor' as 'hello', { name: 'x', scripts: false }), /unknown request/);
    } finally {
      host.dispose();
    }
  });
});
