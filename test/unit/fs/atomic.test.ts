import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, statSync, rmSync, symlinkSync, lstatSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, WriteRefusedError } from '../../../src/core/fs/atomic';

describe('core fs: writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'vlab-fs-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writeFileAtomic replaces content, keeps the mode, leaves no temp file', async () => {
    const f = path.join(dir, 'VM.vmx');
    writeFileSync(f, 'old');
    chmodSync(f, 0o600);
    const r = await writeFileAtomic(f, Buffer.from('new'), { backup: true });
    assert.equal(readFileSync(f, 'utf8'), 'new');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.equal(r.backup, f + '.bak');
    assert.equal(readFileSync(f + '.bak', 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir).sort(), ['VM.vmx', 'VM.vmx.bak']);
  });

  it('creates a new file; backup to a chosen path', async () => {
    const f = path.join(dir, 'new.vmx');
    const r = await writeFileAtomic(f, Buffer.from('x'), { backup: path.join(dir, 'b') });
    assert.equal(r.backup, undefined); // nothing to back up
    assert.equal(readFileSync(f, 'utf8'), 'x');
    await writeFileAtomic(f, Buffer.from('y'), { backup: path.join(dir, 'b') });
    assert.equal(readFileSync(path.join(dir, 'b'), 'utf8'), 'x');
  });

  it('follows a symbolic link and keeps the link', async () => {
    const real = path.join(dir, 'real.vmx');
    const link = path.join(dir, 'link.vmx');
    writeFileSync(real, 'a');
    symlinkSync(real, link);
    await writeFileAtomic(link, Buffer.from('b'));
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(real, 'utf8'), 'b');
  });

  it('refuses read-only files and directories, untouched', async () => {
    const f = path.join(dir, 'ro.vmx');
    writeFileSync(f, 'keep');
    chmodSync(f, 0o444);
    await assert.rejects(writeFileAtomic(f, Buffer.from('x')), (e: unknown) => e instanceof WriteRefusedError && e.code === 'read-only' && /read-only/.test(e.message));
    assert.equal(readFileSync(f, 'utf8'), 'keep');
    await assert.rejects(writeFileAtomic(dir, Buffer.from('x')), (e: unknown) => e instanceof WriteRefusedError && e.code === 'not-a-file');
    assert.deepEqual(readdirSync(dir), ['ro.vmx']);
  });

  it('enforceMode: a key stays 0600 over an existing 0644 file, and a read-only one is replaced too', async () => {
    const f = path.join(dir, 'rui.key');
    writeFileSync(f, 'old', { mode: 0o644 });
    chmodSync(f, 0o644);
    await writeFileAtomic(f, Buffer.from('new key'), { mode: 0o600, enforceMode: true });
    assert.equal(readFileSync(f, 'utf8'), 'new key');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    chmodSync(f, 0o400);
    await writeFileAtomic(f, Buffer.from('newer key'), { mode: 0o600, enforceMode: true });
    assert.equal(readFileSync(f, 'utf8'), 'newer key');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    await assert.rejects(writeFileAtomic(dir, Buffer.from('x'), { mode: 0o600, enforceMode: true }), (e: unknown) => e instanceof WriteRefusedError && e.code === 'not-a-file');
  });
});
