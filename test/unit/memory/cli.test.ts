import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliIO } from '../../../src/cli/command';
import { runCli } from '../../../src/cli/main';
import { allCommands } from '../../../src/cli/commands/index';
import { writeCapture } from '../../fixtures/esxtop/generate';

function fakeIO(cwd: string): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd };
}

async function run(args: string[], cwd = process.cwd()) {
  const io = fakeIO(cwd);
  const code = await runCli(args, io, allCommands);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('cli: vlab memory', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-mem-cli-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('memory overhead: table value, interpolation, unknown, JSON', async () => {
    const a = await run(['memory', 'overhead', '--mem', '4096', '--vcpus', '2']);
    assert.equal(a.code, 0);
    assert.match(a.out, /4096 MB, 2 vCPU: 242\.51 MB \(exact\)/);
    assert.match(a.out, /Resource Management Guide, Table 3-2/);
    const b = await run(['memory', 'overhead', '--mem', '3072', '--vcpus', '1', '--table', '6.5', '--json']);
    assert.equal(b.code, 0);
    const j = JSON.parse(b.out);
    assert.equal(j.method, 'interpolated');
    assert.equal(j.table, '6.5');
    assert.deepEqual(j.between, [1024, 4096]);
    const c = await run(['memory', 'overhead', '--mem', '8192', '--vcpus', '8']);
    assert.equal(c.code, 1);
    assert.match(c.out, /no estimate/);
  });

  it('memory overhead: usage errors exit 2', async () => {
    assert.equal((await run(['memory', 'overhead', '--vcpus', '2'])).code, 2);
    assert.equal((await run(['memory', 'overhead', '--mem', 'lots', '--vcpus', '2'])).code, 2);
    assert.equal((await run(['memory', 'overhead', '--mem', '1024', '--vcpus', '1.5'])).code, 2);
    const t = await run(['memory', 'overhead', '--mem', '1024', '--vcpus', '1', '--table', '5.0']);
    assert.equal(t.code, 2);
    assert.match(t.err, /--table must be one of 4\.0, 6\.5/);
  });

  it('memory esxtop: per-VM summary, exit 1 when a VM swapped; JSON', async () => {
    const file = path.join(dir, 'night.csv');
    const truth = writeCapture(file, { names: ['web01', 'db01', 'file01'], samples: 300, spikeAt: 200, swapVms: [1] });
    const r = await run(['memory', 'esxtop', 'night.csv'], dir);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /host esx01\.lab\.local, 300 samples every 2 s/);
    assert.match(r.out, new RegExp(`db01 +${truth.maxBalloonMB[1].toFixed(1)} MB +812\\.5 MB`));
    assert.match(r.out, /3 VM\(s\) ballooned, 1 swapped/);
    const j = await run(['memory', 'esxtop', 'night.csv', '--json'], dir);
    const doc = JSON.parse(j.out);
    assert.equal(doc.vms[0].name, 'db01');
    assert.equal(doc.vms[0].swapPeakAt, new Date(truth.times[200]).toISOString());
    assert.equal(doc.vms.find((v: { name: string }) => v.name === 'web01').sharedSavedMB, truth.sharedSavedMB[0]);
  });

  it('memory esxtop: missing file and wrong format fail with the reason', async () => {
    const a = await run(['memory', 'esxtop', 'nope.csv', '--json'], dir);
    assert.equal(a.code, 1);
    assert.equal(JSON.parse(a.out).error.code, 'not-found');
    fs.writeFileSync(path.join(dir, 'other.csv'), 'a,b\n1,2\n');
    const b = await run(['memory', 'esxtop', 'other.csv'], dir);
    assert.equal(b.code, 1);
    assert.match(b.err, /other\.csv: not an esxtop batch capture/);
  });
});
