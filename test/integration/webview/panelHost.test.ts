import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PanelHost } from '../../../src/extension/panels/panelHost';
import type { EchoProtocol, EchoState } from './echoProtocol';

describe('webview panel host (real VS Code)', () => {
  it('loads the bundle under the CSP, answers requests both ways and relays errors', async () => {
    const ext = vscode.extensions.getExtension('vsphere-lab.vsphere-lab')!;
    await ext.activate();
    const context = { extensionUri: ext.extensionUri, subscriptions: [] } as unknown as vscode.ExtensionContext;
    const hellos: string[] = [];
    let pong: { n: number; codicons: boolean } | undefined;
    let gotPong!: () => void;
    const pongSeen = new Promise<void>((r) => (gotPong = r));
    let helloCount = 0;
    let twoHellos!: () => void;
    const hellosSeen = new Promise<void>((r) => (twoHellos = r));
    let slowAborted!: (v: boolean) => void;
    const slowEnded = new Promise<boolean>((r) => (slowAborted = r));
    let reported!: (v: EchoProtocol['requests']['report']['params']) => void;
    const report = new Promise<EchoProtocol['requests']['report']['params']>((r) => (reported = r));
    const host = PanelHost.show<EchoProtocol, EchoState>(context, {
      viewType: 'vsphereLab.test.echo', bundle: 'test-echo',
      key: (s) => s.name, title: (s) => `Echo ${s.name}`,
      strings: () => ({ greeting: 'Hello {0}!' }),
      controller: () => ({
        handlers: {
          hello: async (p) => { hellos.push(p.name); if (++helloCount === 2) twoHellos(); },
          pong: async (p) => { pong = p; gotPong(); return { ok: true }; },
          fail: async () => { throw new Error('on purpose'); },
          slow: (_p, signal) => new Promise<void>((resolve) => {
            const t = setTimeout(() => { slowAborted(false); resolve(); }, 20_000);
            signal.addEventListener('abort', () => { clearTimeout(t); slowAborted(true); resolve(); });
          }),
          report: async (p) => reported(p),
        },
      }),
    }, { name: 'alpha' });
    await host.ready;
    await hellosSeen;
    assert.deepEqual(hellos, ['alpha', 'error:on purpose']);
    await host.post('ping', { n: 41 });
    await pongSeen;
    assert.deepEqual(pong, { n: 42, codicons: true });
    // The webview aborted its request: the handler's signal aborted, and the webview's promise
    // rejected at once with the cancellation code (the late answer was dropped).
    assert.equal(await slowEnded, true, 'the handler saw the abort');
    const r = await report;
    assert.equal(r.cancelled, true);
    assert.equal(r.code, 'cancelled');
    // The strings came with init: the panel's own and the kit's (localised by the extension).
    assert.equal(r.greeting, 'Hello alpha!');
    assert.equal(r.copy, vscode.env.language.startsWith('fr') ? 'Copier' : 'Copy');
    assert.deepEqual(host.uiStrings().greeting, 'Hello {0}!');
    // Opening the same key again reveals the same panel.
    const again = PanelHost.show<EchoProtocol, EchoState>(context, host.def, { name: 'alpha' });
    assert.equal(again, host);
    host.dispose();
    assert.equal(PanelHost.instances('vsphereLab.test.echo').length, 0);
  });
});
