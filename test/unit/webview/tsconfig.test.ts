/**
 * The two type-check programs (`npm run typecheck`): the browser side (src/webview/tsconfig.json:
 * DOM, no Node types) and the rest (tsconfig.json: Node, no DOM). Each refuses the other side's
 * globals, checked with the real compiler on a probe file.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');

function diagnosticsFor(configPath: string, probeName: string, code: string): string[] {
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath));
  const probe = path.join(path.dirname(configPath), probeName);
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === probe ? ts.createSourceFile(name, code, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === probe || fileExists(name);
  const program = ts.createProgram([probe], parsed.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('type-check programs: browser and the rest', function () {
  this.timeout(60_000);

  it('the webview program knows the DOM and refuses Node globals and node:* modules', () => {
    const config = path.join(ROOT, 'src/webview/tsconfig.json');
    assert.deepEqual(diagnosticsFor(config, '__probe_ok.ts', 'export const n: HTMLElement | null = document.getElementById("app");\n'), []);
    const bad = diagnosticsFor(config, '__probe_bad.ts', 'import { readFileSync } from "node:fs";\nexport const b = Buffer.from("x");\nexport const r = readFileSync;\n');
    assert.ok(bad.some((m) => /Buffer/.test(m)), bad.join('\n'));
    assert.ok(bad.some((m) => /node:fs/.test(m)), bad.join('\n'));
  });

  it('the extension program knows Node and refuses DOM globals', () => {
    const config = path.join(ROOT, 'tsconfig.json');
    assert.deepEqual(diagnosticsFor(config, '__probe_ok.ts', 'export const b = Buffer.from("x");\n'), []);
    const bad = diagnosticsFor(config, '__probe_bad.ts', 'export const d = document.title;\n');
    assert.ok(bad.some((m) => /document/.test(m)), bad.join('\n'));
  });
});
