/** Shared e2e set-up: the packaged .vsix installed into a fresh code-server, and Chromium on it. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
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

const MENU = '.context-view .monaco-menu';
/** Anything in a context view: a menu, or a tree row's hover tooltip (which can cover the next row). */
const OVERLAY = '.context-view:visible';

/** Closes context menus and hover tooltips (a menu can come up late, after an Escape meant for it). */
export async function closeMenus(page: Page): Promise<void> {
  // Away from the tree, where no tooltip comes up.
  await page.mouse.move(1000, 600);
  for (let i = 0; i < 20; i++) {
    if (await page.locator(OVERLAY).count() === 0) {
      // A late menu shows within a moment of its right-click: look once more before saying it is gone.
      await page.waitForTimeout(300);
      if (await page.locator(OVERLAY).count() === 0) return;
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(200);
  }
  throw new Error('a context menu or hover stayed open after 20 × Escape');
}

/**
 * Right-clicks `target` and chooses `label` from its context menu. Retried: right after the
 * workbench re-renders, a menu can come up before the extension's items are resolved; before each
 * try, menus left open by the previous one are closed so they cannot cover the target.
 * `prepare` runs before each right-click (e.g. to redo a multi-selection) and may throw to retry.
 */
export async function chooseFromContextMenu(
  page: Page, target: () => Locator, label: string, prepare?: () => Promise<void>, attempts = 4,
): Promise<void> {
  const item = page.locator(`${MENU} .action-item`, { hasText: label });
  for (let attempt = 1; ; attempt++) {
    try {
      await closeMenus(page);
      await prepare?.();
      await target().click({ button: 'right', timeout: 10_000 });
      await item.first().waitFor({ timeout: 8_000 });
      break;
    } catch (e) {
      console.log(`      context menu "${label}", try ${attempt}: ${(e as Error).message.split('\n')[0]}`);
      if (attempt === attempts) throw e;
    }
  }
  // The menu re-renders once every extension's items are resolved: settle, then choose by keyboard.
  await page.waitForTimeout(500);
  await item.first().hover();
  await page.keyboard.press('Enter');
}
