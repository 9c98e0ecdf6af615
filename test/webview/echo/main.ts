/**
 * Test-only webview (bundled as dist/webview/test-echo.js with --tests, never shipped): proves the
 * panel protocol under the real CSP — handshake, requests both ways, events, saved state, the UI
 * strings that come with init, and cancelling a request.
 */
import { PanelClient } from '../../../src/webview/shared/rpc';
import { t } from '../../../src/webview/shared/l10n';
import type { EchoProtocol, EchoState } from '../../integration/webview/echoProtocol';

const client = new PanelClient<EchoProtocol, EchoState>();
void client.initialized.then(async ({ state }) => {
  const app = document.getElementById('app')!;
  app.textContent = `ready ${state.name}`;
  app.removeAttribute('aria-busy');
  client.saveState(state);
  client.on('ping', async (data) => {
    const r = await client.request('pong', { n: data.n + 1, codicons: !!document.getElementById('vscode-codicon-stylesheet') });
    app.textContent = `pong ${r.ok}`;
  });
  await client.request('hello', { name: state.name, scripts: true });
  try {
    await client.request('fail', {});
  } catch (e) {
    await client.request('hello', { name: `error:${(e as Error).message}`, scripts: true });
  }
  const ac = new AbortController();
  const slow = client.request('slow', {}, { signal: ac.signal });
  setTimeout(() => ac.abort(), 200);
  try {
    await slow;
    await client.request('report', { cancelled: false, greeting: t('greeting', state.name), copy: t('kit.copy') });
  } catch (e) {
    await client.request('report', { cancelled: true, code: (e as { code?: string }).code, greeting: t('greeting', state.name), copy: t('kit.copy') });
  }
});
