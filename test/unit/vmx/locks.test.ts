import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findVmLocks, isVmRunning } from '../../../src/core/vmx/locks';

describe('vmx locks', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'vlab-fs-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('isVmRunning: any *.lck file or directory beside the .vmx', async () => {
    const vmx = path.join(dir, 'VM.vmx');
    writeFileSync(vmx, 'a = "1"\n');
    assert.equal(await isVmRunning(vmx), false);
    mkdirSync(path.join(dir, 'VM.vmx.lck'));
    assert.equal(await isVmRunning(vmx), true);
    rmSync(path.join(dir, 'VM.vmx.lck'), { recursive: true });
    writeFileSync(path.join(dir, 'VM-flat.vmdk.lck'), '');
    assert.deepEqual(await findVmLocks(vmx), [path.join(dir, 'VM-flat.vmdk.lck')]);
    assert.equal(await isVmRunning(path.join(dir, 'missing-dir', 'x.vmx')), false);
  });
});
