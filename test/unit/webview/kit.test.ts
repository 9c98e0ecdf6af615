/**
 * The webview kit's browser-free parts (l10n, store) and the rule that makes "no English copies in
 * the browser" safe: every literal key a panel's browser code passes to t() is one its extension
 * side sends (src/extension/<panel>/strings.ts, or the kit's src/extension/panels/strings.ts).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { locale, setStrings, t } from '../../../src/webview/shared/l10n';
import { Store } from '../../../src/webview/shared/store';

const ROOT = path.resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const unquote = (s: string) => s.replace(/\\(['\\])/g, '$1');

/** Keys of a `strings.ts`: `key: vscode.l10n.t(` or `'any text': vscode.l10n.t(`. */
function sentKeys(file: string): Set<string> {
  const keys = new Set<string>();
  for (const m of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/^\s*(?:'((?:\\.|[^'\\])*)'|([\w.-]+)):\s*vscode\.l10n\.t\(/gm)) {
    keys.add(m[1] !== undefined ? unquote(m[1]) : m[2]);
  }
  return keys;
}

/** Literal keys passed to t() in the browser code of a folder. */
function usedKeys(dir: string): Map<string, string> {
  const used = new Map<string, string>();
  for (const f of tsFiles(path.join(ROOT, dir))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/(?<![\w.])t\(\s*'((?:\\.|[^'\\])*)'/g)) used.set(unquote(m[1]), path.relative(ROOT, f));
  }
  return used;
}

describe('webview kit: strings', () => {
  afterEach(() => setStrings({}, 'en'));

  it('t() fills {0}, {1}… and falls back to the key itself, never to an English copy', () => {
    setStrings({ saved: 'Enregistré {0} ({1})', plain: 'Prêt' }, 'fr');
    assert.equal(t('saved', 'a.csv', 3), 'Enregistré a.csv (3)');
    assert.equal(t('plain'), 'Prêt');
    assert.equal(t('saved'), 'Enregistré  ()', 'missing arguments are empty');
    assert.equal(t('kit.nothing'), 'kit.nothing');
    assert.equal(locale(), 'fr');
  });

  for (const [panel, strings] of [['memory', 'src/extension/memory/strings.ts'], ['backup', 'src/extension/backup/strings.ts'], ['certBoard', 'src/extension/certBoard/strings.ts'], ['readiness', 'src/extension/readiness/strings.ts'], ['live', 'src/extension/live/strings.ts']] as const) {
    it(`every t('…') key of src/webview/${panel} is sent by ${strings} (or the kit)`, () => {
      const sent = new Set([...sentKeys(strings), ...sentKeys('src/extension/panels/strings.ts')]);
      assert.ok(sentKeys(strings).size > 10, `parsed ${strings}`);
      const missing = [...usedKeys(`src/webview/${panel}`)].filter(([k]) => !sent.has(k)).map(([k, f]) => `${f}: ${k}`);
      assert.deepEqual(missing, []);
    });
  }

  it("the kit's own t('…') keys are the kit.* strings every panel gets", () => {
    const sent = sentKeys('src/extension/panels/strings.ts');
    const used = [...usedKeys('src/webview/shared').keys()];
    assert.ok(used.length >= 3);
    assert.deepEqual(used.filter((k) => !sent.has(k) || !k.startsWith('kit.')), []);
  });
});

describe('webview kit: store', () => {
  it('merges patches, notifies once per turn, and flush() notifies at once', async () => {
    const store = new Store({ a: 1, b: 'x' });
    const seen: Array<{ a: number; b: string }> = [];
    const off = store.subscribe((s) => seen.push({ ...s }));
    store.set({ a: 2 });
    store.set((s) => ({ a: s.a + 1, b: 'y' }));
    assert.deepEqual(store.state, { a: 3, b: 'y' });
    assert.equal(seen.length, 0, 'not yet: notifications wait for the microtask');
    await Promise.resolve();
    assert.deepEqual(seen, [{ a: 3, b: 'y' }]);
    store.set({ b: 'z' });
    store.flush();
    assert.deepEqual(seen.at(-1), { a: 3, b: 'z' });
    await Promise.resolve();
    assert.equal(seen.length, 2, 'a flushed change is not notified twice');
    off();
    store.set({ a: 9 });
    await Promise.resolve();
    assert.equal(seen.length, 2, 'unsubscribed');
  });
});
