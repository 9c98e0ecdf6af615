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
    const host = PanelHost.show<EchoProtocol, EchoState>(context, {
      viewType: 'vsphereLab.test.echo', bundle: 'test-echo',
      key: (s) => s.name, title: (s) => `Echo ${s.name}`,
      controller: () => ({
        handlers: {
          hello: async (p) => { hellos.push(p.name); if (++helloCount === 2) twoHellos(); },
          pong: async (p) => { pong = p; gotPong(); return { ok: true }; },
          fail: async () => { throw new Error('on purpose'); },
        },
      }),
    }, { name: 'alpha' });
    await host.ready;
    await hellosSeen;
    assert.deepEqual(hellos, ['alpha', 'error:on purpose']);
    await host.post('ping', { n: 41 });
    await pongSeen;
    assert.deepEqual(pong, { n: 42, codicons: true });
    // Opening the same key again reveals the same panel.
    const again = PanelHost.show<EchoProtocol, EchoState>(context, host.def, { name: 'alpha' });
    assert.equal(again, host);
    host.dispose();
    assert.equal(PanelHost.instances('vsphereLab.test.echo').length, 0);
  });
});
