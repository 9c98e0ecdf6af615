/** Shared e2e set-up: the packaged .vsix installed into a fresh code-server, and Chromium on it. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, installVsix, launchBrowser, openWorkbench, REPO, startCodeServer } from '../rig/codeServer';

export const RESULTS = join(REPO, 'test-results');

export function packagedVsix(): string {
  const dist = join(REPO, 'dist');
  const vsix = readdirSync(dist).filter((f) => /^vsphere-lab-.*\.vsix$/.test(f));
  if (vsix.length !== 1) throw new Error(`expected one packaged .vsix in dist/ (run 'npm run package'), found ${vsix.length}`);
  return join(dist, vsix[0]);
}

/** Drags the side bar's edge so tree descriptions are readable in screenshots. */
export async function widenSidebar(page: Page, width = 520): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const x = box.x + box.width + 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

export interface Workbench {
  page: Page;
  server: CodeServer;
  close(): Promise<void>;
  screenshot(name: string): Promise<string>;
}

export async function openPackagedWorkbench(workspace: string, settings?: Record<string, unknown>): Promise<Workbench> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'vlab-e2e-'));
  const extensionsDir = join(userDataDir, 'extensions');
  await installVsix(packagedVsix(), extensionsDir, userDataDir);
  const server = await startCodeServer({ workspace, userDataDir, extensionsDir, settings });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, `${server.url}/?folder=${encodeURIComponent(workspace)}`);
    mkdirSync(RESULTS, { recursive: true });
    const b = browser;
    return {
      page, server,
      async screenshot(name: string) {
        const file = join(RESULTS, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      async close() {
        await b.close().catch(() => undefined);
        await server.stop();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
}
