import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..', '..');
const json = (p: string) => JSON.parse(readFileSync(join(ROOT, p), 'utf8'));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(join(ROOT, dir))) {
    const p = join(dir, n);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('manifest, strings and layering', () => {
  const pkg = json('package.json');
  const nls = json('package.nls.json');
  const nlsFr = json('package.nls.fr.json');

  it('every %placeholder% in package.json has English and French strings', () => {
    const placeholders = [...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(placeholders.length > 5);
    for (const k of placeholders) {
      assert.ok(nls[k], `package.nls.json lacks ${k}`);
      assert.ok(nlsFr[k], `package.nls.fr.json lacks ${k}`);
    }
    assert.deepEqual(Object.keys(nlsFr).sort(), Object.keys(nls).sort(), 'French and English manifests have the same keys');
  });

  it('every vscode.l10n.t string in src/extension has a French translation', () => {
    const fr = json('l10n/bundle.l10n.fr.json');
    const missing: string[] = [];
    for (const f of sources('src/extension')) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/l10n\.t\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)) {
        const key = m[2].replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, '\n');
        if (!(key in fr)) missing.push(`${f}: ${key}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('every command has the "vSphere Lab" category and a localised title', () => {
    for (const c of pkg.contributes.commands) {
      assert.equal(c.category, 'vSphere Lab', c.command);
      assert.match(c.title, /^%.+%$/, `${c.command} title goes through package.nls.json`);
    }
  });

  it('@types/vscode does not exceed engines.vscode', () => {
    const engine = pkg.engines.vscode.replace(/^[\^~]/, '').split('.').map(Number);
    const types = pkg.devDependencies['@types/vscode'].replace(/^[\^~]/, '').split('.').map(Number);
    assert.ok(types[0] < engine[0] || (types[0] === engine[0] && types[1] <= engine[1]), `${types} <= ${engine}`);
  });

  it('the lint rule rejects a vscode import in src/core and src/cli, and allows it in src/extension', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const code = "import * as vscode from 'vscode';\nexport const x = vscode;\n";
    for (const [file, allowed] of [['src/core/probe.ts', false], ['src/cli/probe.ts', false], ['src/extension/probe.ts', true]] as const) {
      const [res] = await eslint.lintText(code, { filePath: join(ROOT, file) });
      const hit = res.messages.some((m) => m.ruleId === 'no-restricted-imports');
      assert.equal(hit, !allowed, `${file}: vscode import ${allowed ? 'allowed' : 'rejected'}`);
    }
  });

  it('no source file in src/core or src/cli imports vscode', () => {
    for (const f of [...sources('src/core'), ...sources('src/cli')]) {
      assert.doesNotMatch(readFileSync(join(ROOT, f), 'utf8'), /from ['"]vscode['"]|require\(['"]vscode['"]\)/, f);
    }
  });
});
