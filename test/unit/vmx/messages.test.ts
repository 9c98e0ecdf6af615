import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintMessage, type VmxLintCode } from '../../../src/core/vmx/lint';

const ROOT = join(__dirname, '..', '..', '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

/** `case 'code': return vscode.l10n.t('template', …)` rows of src/extension/language/messages.ts. */
function templates(): Map<string, string> {
  const text = read('src/extension/language/messages.ts');
  const body = text.slice(text.indexOf('export function lintMessageL10n'), text.indexOf('export function relatedMessageL10n'));
  const out = new Map<string, string>();
  for (const m of body.matchAll(/case '([a-z0-9-]+)': return vscode\.l10n\.t\('((?:\\.|[^'])*)'/g)) out.set(m[1], m[2].replace(/\\(['\\])/g, '$1'));
  return out;
}

function codes(): VmxLintCode[] {
  const text = read('src/core/vmx/lint.ts');
  const union = /export type VmxLintCode =([^;]+);/.exec(text)![1];
  return [...union.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1] as VmxLintCode);
}

describe('vmx lint messages in the editor (src/extension/language/messages.ts)', () => {
  it('every lint code has a localisable message', () => {
    const t = templates();
    const missing = codes().filter((c) => !t.has(c));
    assert.deepEqual(missing, []);
  });

  it('each English template, filled with the args, is the CLI message word for word', () => {
    const t = templates();
    for (const code of codes()) {
      const args = ['A0', 'A1', 'A2', 'A3'];
      const filled = t.get(code)!.replace(/\{(\d)\}/g, (_, i: string) => args[Number(i)]);
      assert.equal(filled, lintMessage(code, args), code);
    }
  });
});
