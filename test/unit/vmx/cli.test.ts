import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, chmodSync, statSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliFailure, type CliCommand, type CliIO } from '../../../src/cli/command';
import { commands } from '../../../src/cli/commands/vmx';
import { VmxDocument } from '../../../src/core/vmx/document';
import { fixture } from './helpers';

interface Captured {
  io: CliIO;
  out: () => string;
  err: () => string;
}

function fakeIO(cwd: string): Captured {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env: {}, cwd },
    out: () => out,
    err: () => err,
  };
}

function cmd(...words: string[]): CliCommand {
  const c = commands.find((x) => x.path.join(' ') === ['vmx', ...words].join(' '));
  assert.ok(c, words.join(' '));
  return c;
}

async function run(dir: string, words: string[], positionals: string[], opts: { json?: boolean; values?: Record<string, boolean> } = {}) {
  const cap = fakeIO(dir);
  let code: number;
  let failure: CliFailure | undefined;
  try {
    code = await cmd(...words).run({ positionals, values: opts.values ?? {}, json: opts.json ?? false, io: cap.io });
  } catch (e) {
    if (!(e instanceof CliFailure)) throw e;
    failure = e;
    code = 1; // what the dispatcher maps a CliFailure to
  }
  return { code, out: cap.out(), err: cap.err(), failure };
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('vlab vmx commands', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vlab-vmx-'));
    for (const n of ['ws71-plop.vmx', 'dup-case.vmx', 'garbage.vmx', 'cp1252-annotation.vmx', 'ws-windows-crlf.vmx', 'esx41-w2k8r2.vmx']) {
      writeFileSync(path.join(dir, n), fixture(n));
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exports lint, get, set, unset and describe', () => {
    assert.deepEqual(commands.map((c) => c.path.join(' ')), ['vmx lint', 'vmx get', 'vmx set', 'vmx unset', 'vmx describe']);
  });

  describe('lint', () => {
    it('exit 0 on a clean file, 1 when an error is found', async () => {
      assert.equal((await run(dir, ['lint'], ['ws71-plop.vmx'])).code, 0);
      const r = await run(dir, ['lint'], ['ws71-plop.vmx', 'dup-case.vmx']);
      assert.equal(r.code, 1);
      assert.match(r.out, /^dup-case\.vmx:9:1: error duplicate-key: /m);
    });

    it('--json gives one array of rows with 1-based positions', async () => {
      const r = await run(dir, ['lint'], ['dup-case.vmx'], { json: true });
      const rows = JSON.parse(r.out) as Record<string, unknown>[];
      assert.ok(Array.isArray(rows));
      const dup = rows.filter((x) => x.code === 'duplicate-key');
      assert.deepEqual(dup.map((x) => [x.file, x.line, x.column, x.severity]), [
        ['dup-case.vmx', 9, 1, 'error'], ['dup-case.vmx', 10, 1, 'error'], ['dup-case.vmx', 11, 1, 'error'],
      ]);
      for (const row of rows) assert.deepEqual(Object.keys(row).sort(), ['code', 'column', 'file', 'line', 'message', 'severity']);
    });

    it('fails cleanly on a missing file', async () => {
      const r = await run(dir, ['lint'], ['nope.vmx']);
      assert.equal(r.failure?.code, 'not-found');
    });
  });

  describe('get', () => {
    it('prints the decoded value; exit 1 when absent', async () => {
      const r = await run(dir, ['get'], ['cp1252-annotation.vmx', 'ANNOTATION']);
      assert.equal(r.code, 0);
      assert.equal(r.out, "Café Müller — poste de test\r\nRéservé à l'équipe\n");
      const missing = await run(dir, ['get'], ['cp1252-annotation.vmx', 'nope']);
      assert.equal(missing.code, 1);
      assert.equal(missing.out, '');
      assert.match(missing.err, /no key "nope"/);
    });

    it('--json', async () => {
      const r = await run(dir, ['get'], ['ws71-plop.vmx', 'bios.bootorder'], { json: true });
      assert.deepEqual(JSON.parse(r.out), { file: 'ws71-plop.vmx', key: 'bios.bootOrder', value: 'cdrom,hdd', line: 39, found: true });
    });
  });

  describe('set and unset', () => {
    it('set changes only the value, writes atomically and keeps a backup', async () => {
      const f = path.join(dir, 'ws-windows-crlf.vmx');
      const before = readFileSync(f);
      chmodSync(f, 0o640);
      const r = await run(dir, ['set'], ['ws-windows-crlf.vmx', 'memsize', '1024']);
      assert.equal(r.code, 0, r.err);
      const after = readFileSync(f);
      assert.equal(after.toString('latin1'), before.toString('latin1').replace('memsize = "512"', 'memsize = "1024"'));
      assert.equal(statSync(f).mode & 0o777, 0o640);
      assert.ok(readFileSync(f + '.bak').equals(before));
      // no temporary file left behind
      assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
    });

    it('set adds a new key next to its device, in the file encoding', async () => {
      const f = path.join(dir, 'cp1252-annotation.vmx');
      const r = await run(dir, ['set'], ['cp1252-annotation.vmx', 'ide0:0.mode', 'persistent'], { values: { 'no-backup': true } });
      assert.equal(r.code, 0);
      assert.equal(existsSync(f + '.bak'), false);
      const d = VmxDocument.parse(readFileSync(f));
      assert.equal(d.find('ide0:0.mode')[0], d.find('ide0:0.fileName')[0] + 1);
      assert.equal(d.get('annotation'), "Café Müller — poste de test\r\nRéservé à l'équipe");
      const r2 = await run(dir, ['set'], ['cp1252-annotation.vmx', 'displayName', '测试']);
      assert.equal(r2.failure?.code, 'encoding');
    });

    it('unset removes the line and nothing else', async () => {
      const f = path.join(dir, 'ws71-plop.vmx');
      const before = readFileSync(f, 'utf8');
      const r = await run(dir, ['unset'], ['ws71-plop.vmx', 'EHCI.present'], { json: true });
      assert.equal(r.code, 0);
      assert.equal(JSON.parse(r.out).changed, true);
      assert.equal(readFileSync(f, 'utf8'), before.replace('ehci.present = "TRUE"\n', ''));
      const again = await run(dir, ['unset'], ['ws71-plop.vmx', 'ehci.present']);
      assert.equal(again.code, 0);
      assert.match(again.err, /nothing to do/);
    });

    for (const lock of ['file', 'dir', 'disk']) {
      it(`refuses while the VM is running (${lock} lock) and leaves the file untouched`, async () => {
        const f = path.join(dir, 'esx41-w2k8r2.vmx');
        if (lock === 'file') writeFileSync(f + '.lck', '');
        if (lock === 'dir') mkdirSync(f + '.lck');
        if (lock === 'disk') writeFileSync(path.join(dir, 'Email.vmdk.LCK'), '');
        const h = sha(f);
        for (const [words, args] of [[['set'], ['esx41-w2k8r2.vmx', 'disk.EnableUUID', 'FALSE']], [['unset'], ['esx41-w2k8r2.vmx', 'ctkEnabled']]] as const) {
          const r = await run(dir, [...words], [...args]);
          assert.equal(r.code, 1);
          assert.equal(r.failure?.code, 'vm-running');
        }
        assert.equal(sha(f), h);
        assert.equal(existsSync(f + '.bak'), false);
      });
    }

    it('refuses a key that is on several lines', async () => {
      const f = path.join(dir, 'dup-case.vmx');
      const h = sha(f);
      for (const words of [['set'], ['unset']]) {
        const r = await run(dir, words, words[0] === 'set' ? ['dup-case.vmx', 'MEMSIZE', '4096'] : ['dup-case.vmx', 'memsize']);
        assert.equal(r.failure?.code, 'duplicate-key');
      }
      assert.equal(sha(f), h);
      // a key that is not duplicated in the same file is fine
      assert.equal((await run(dir, ['set'], ['dup-case.vmx', 'numvcpus', '2'])).code, 0);
    });

    it('refuses a read-only file and leaves it untouched', async () => {
      const f = path.join(dir, 'ws71-plop.vmx');
      chmodSync(f, 0o444);
      const h = sha(f);
      const r = await run(dir, ['set'], ['ws71-plop.vmx', 'memsize', '2048']);
      assert.equal(r.failure?.code, 'read-only');
      assert.equal(sha(f), h);
    });

    it('keeps undecodable bytes of other lines when setting a value', async () => {
      const f = path.join(dir, 'garbage.vmx');
      const before = readFileSync(f);
      const r = await run(dir, ['set'], ['garbage.vmx', 'config.version', '9']);
      assert.equal(r.code, 0);
      const after = readFileSync(f);
      const i = before.indexOf('config.version = "8"');
      assert.ok(after.equals(Buffer.concat([before.subarray(0, i), Buffer.from('config.version = "9"'), before.subarray(i + 'config.version = "8"'.length)])));
    });
  });

  describe('describe', () => {
    it('resolves device patterns; exit 1 when unknown', async () => {
      const r = await run(dir, ['describe'], ['scsi0:1.mode'], { json: true });
      assert.equal(r.code, 0);
      const data = JSON.parse(r.out);
      assert.equal(data.found, true);
      assert.match(data.pattern, /\{n\}:\{m\}\.mode$/i);
      assert.deepEqual(data.captures, { n: '0', m: '1' });
      assert.ok(!/\{[nm]\}/.test(data.description), data.description);
      const human = await run(dir, ['describe'], ['disk.EnableUUID']);
      assert.equal(human.code, 0);
      assert.match(human.out, /^disk\.EnableUUID/);
      assert.match(human.out, /type: bool/);
      const unknown = await run(dir, ['describe'], ['no.such.key.really']);
      assert.equal(unknown.code, 1);
    });
  });
});
