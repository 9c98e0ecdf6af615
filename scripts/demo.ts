/**
 * The demo: the packaged extension in code-server with a sample workspace (and the lab once
 * it is available). Prints the URL and stays up until Ctrl-C. With --screenshot FILE it opens
 * the workbench in Chromium, shows the vSphere Lab view, saves a screenshot and exits.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installVsix, launchBrowser, openWorkbench, REPO, startCodeServer } from '../test/rig/codeServer';
import { packagedVsix } from '../test/e2e/helpers';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { screenshot: { type: 'string' }, port: { type: 'string' } } });
  const workspace = join(REPO, 'demo', 'workspace');
  const userDataDir = join(REPO, '.vscode-test', 'demo-user');
  const extensionsDir = join(userDataDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  await installVsix(packagedVsix(), extensionsDir, userDataDir);
  const server = await startCodeServer({ workspace, userDataDir, extensionsDir });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  const stop = async () => { await server.stop(); };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

  if (values.screenshot) {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openWorkbench(page, url);
      const item = page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]');
      await item.click();
      await page.locator('.part.sidebar .composite.title').waitFor();
      await page.waitForTimeout(1500);
      const out = resolve(values.screenshot);
      await page.screenshot({ path: out });
      console.log(`screenshot: ${out}`);
    } finally {
      await browser.close();
      await stop();
    }
    return;
  }
  console.log(`\nvSphere Lab demo is running: ${url}\n(Ctrl-C stops it)\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
