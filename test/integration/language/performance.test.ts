import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { completions, activate, diagnosticsWhen, hoverText } from './helpers';

/** A large .vmx: 5,000 lines of disk and guestinfo keys (unique), with one duplicate at the end. */
function largeVmx(lines: number): string {
  const out = ['.encoding = "UTF-8"', 'virtualHW.version = "19"', 'guestOS = "ubuntu-64"'];
  let n = 0;
  while (out.length < lines - 1) {
    const c = Math.floor(n / 15);
    const u = n % 15 >= 7 ? (n % 15) + 1 : n % 15;
    out.push(`scsi${c}:${u}.present = "TRUE"`, `scsi${c}:${u}.fileName = "disk-${n}.vmdk"`, `guestinfo.k${n} = "v${n}"`);
    n++;
  }
  out.length = lines - 1;
  out.push('GUESTOS = "ubuntu-64"');
  return out.join('\n') + '\n';
}

describe('vmx language: timing on a large file', () => {
  before(activate);

  it('measures diagnostics, hover, completion and symbols on a 5,000-line .vmx', async () => {
    const content = largeVmx(5000);
    let t = performance.now();
    const doc = await vscode.workspace.openTextDocument({ language: 'vmx', content });
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.lineCount, 5001);
    const diags = await diagnosticsWhen(doc.uri, (d) => d.some((x) => x.range.start.line === 4999), 20_000);
    const diagMs = performance.now() - t;
    assert.ok(diags.length >= 1);

    t = performance.now();
    const hover = await hoverText(doc, new vscode.Position(2500, 3));
    const hoverMs = performance.now() - t;
    assert.match(hover, /SCSI controller/);

    t = performance.now();
    const items = await completions(doc, new vscode.Position(2, 12));
    const completionMs = performance.now() - t;
    assert.ok(items.length > 100);

    t = performance.now();
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const symbolsMs = performance.now() - t;
    assert.ok(symbols.length > 0);
    t = performance.now();
    await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const symbolsWarmMs = performance.now() - t;

    // an edit: time until the new problem is published (includes the 200 ms debounce)
    const editor = vscode.window.activeTextEditor!;
    t = performance.now();
    await editor.edit((e) => e.insert(new vscode.Position(10, 0), 'memsize = 12\n'));
    await diagnosticsWhen(doc.uri, (d) => d.some((x) => x.range.start.line === 10), 20_000);
    const editMs = performance.now() - t;

    // the same requests again once the workbench has settled (tokenising, outline, breadcrumbs)
    await new Promise((r) => setTimeout(r, 1000));
    const warm = async (f: () => Promise<unknown>): Promise<number> => {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const s = performance.now();
        await f();
        runs.push(performance.now() - s);
      }
      return runs.sort((a, b) => a - b)[1];
    };
    const hoverWarm = await warm(() => hoverText(doc, new vscode.Position(2500 + 3, 3)));
    const completionWarm = await warm(() => completions(doc, new vscode.Position(2, 12)));
    const keysWarm = await warm(() => completions(doc, new vscode.Position(0, 0)));
    console.log(`    5,000 lines, settled (median of 3): hover ${hoverWarm.toFixed(1)} ms, value completion ${completionWarm.toFixed(1)} ms, key completion ${keysWarm.toFixed(1)} ms`);
    console.log(`    5,000 lines: diagnostics after open ${diagMs.toFixed(0)} ms, hover ${hoverMs.toFixed(1)} ms, completion ${completionMs.toFixed(1)} ms (${items.length} items), symbols ${symbolsMs.toFixed(1)} ms (again: ${symbolsWarmMs.toFixed(1)} ms), diagnostics after an edit ${editMs.toFixed(0)} ms (debounce 200 ms)`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
