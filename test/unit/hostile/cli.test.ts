/**
 * Bad CLI input is a usage error (exit 2) or a failure in words (exit 1) — never `unexpected error`
 * with a stack trace.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { allCommands } from '../../../src/cli/commands/index';

async function cli(args: string[], cwd = process.cwd(), env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env, cwd }, allCommands);
  return { code, out, err };
}

const NO_STACK = /unexpected error|\n\s+at [\w.<]+ \(/;

describe('hostile: CLI input errors', () => {
  it('--timeout that is not a positive finite number is a usage error (exit 2)', async () => {
    for (const t of ['abc', '-5', '0', 'Infinity', 'NaN', '1e400']) {
      for (const cmd of [['inventory', 'https://127.0.0.1:9/sdk', '--user', 'u', `--timeout=${t}`], ['cert', 'inspect', '127.0.0.1:9', `--timeout=${t}`]]) {
        const r = await cli(cmd, process.cwd(), { VLAB_PASSWORD: 'x' });
        assert.equal(r.code, 2, `${cmd.join(' ')}: ${r.err}`);
        assert.match(r.err, /--timeout must be a positive/);
        assert.doesNotMatch(r.err, NO_STACK);
      }
    }
  });

  it('an output path that is a folder, under a missing folder, or an existing file: a clear error (exit 1)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vlab-hostile-cli-'));
    try {
      const args = (out: string): string[] => ['cert', 'request', '--cn', 'esx01.lab.local', '--bits', '2048', '--out', out];
      mkdirSync(path.join(dir, 'folder-as-out'));
      // cert request writes into a folder: give it a file where a folder is expected.
      writeFileSync(path.join(dir, 'a-file'), 'x');
      const r1 = await cli(args('a-file'), dir);
      assert.equal(r1.code, 1, r1.err);
      assert.doesNotMatch(r1.err, NO_STACK);
      const r2 = await cli(args('missing/deeper'), dir);
      assert.doesNotMatch(r2.err, NO_STACK);
      // cert pfx writes one file: a folder, a missing parent and an existing file are refused in words.
      const pfx = (out: string): string[] => ['cert', 'pfx', '--cert', 'c.pem', '--key', 'k.pem', '--out', out];
      for (const [out, re] of [['folder-as-out', /is a folder|already exists/], ['missing/x.pfx', /does not exist|no such file/], ['a-file', /already exists/]] as const) {
        const r = await cli(pfx(out), dir);
        assert.notEqual(r.code, 0, out);
        assert.doesNotMatch(r.err, NO_STACK, out);
        assert.ok(re.test(r.err) || /no such file/.test(r.err), `${out}: ${r.err}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('vlab cert pfx takes a custom password from an environment variable, never from argv', async () => {
    const r = await cli(['cert', 'pfx', '--cert', 'c.pem', '--key', 'k.pem', '--out', 'x.pfx', '--password', 'hunter2']);
    assert.equal(r.code, 2);
    const e = await cli(['cert', 'pfx', '--cert', 'c.pem', '--key', 'k.pem', '--out', 'x.pfx', '--password-env', 'VLAB_PFX_UNSET']);
    assert.equal(e.code, 1);
  });
});
