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

  it('memory state: minFree, every threshold, the state and its triggers per generation', async () => {
    const a = await run(['memory', 'state', '--generation', '4.1', '--host-mb', '16384', '--free-mb', '500', '--json']);
    assert.equal(a.code, 0, a.err);
    const j41 = JSON.parse(a.out);
    assert.deepEqual([j41.generation, j41.minFreeMB, j41.state], ['4.1', 983.04, 'soft']);
    assert.deepEqual(j41.thresholds, { high: 983.04, soft: 629.15, hard: 314.57, low: 157.29 });
    assert.match(j41.triggers, /balloon/i);
    assert.ok(j41.sources.length > 0);
    const b = await run(['memory', 'state', '--generation', '8.0', '--host-mb', '16384', '--free-mb', '500', '--json']);
    const j80 = JSON.parse(b.out);
    assert.deepEqual([j80.generation, j80.minFreeMB, j80.state], ['8.0', 655.36, 'clear']);
    assert.deepEqual(Object.keys(j80.thresholds), ['high', 'clear', 'soft', 'hard', 'low']);
    assert.equal(j80.thresholds.high, 2621.44);
    assert.ok(j80.notes.some((n: string) => /300 %/.test(n)));
    const c = await run(['memory', 'state', '--generation', '5.5', '--host-mb', '28672', '--free-mb', '901.12']);
    assert.equal(c.code, 0);
    assert.match(c.out, /minFree: 901\.12 MB/);
    assert.match(c.out, /state: high/, 'free exactly at minFree: still high');
    assert.match(c.out, /frankdenneman\.nl/);
    const d = await run(['memory', 'state', '--generation', '5.5', '--host-mb', '28672', '--free-mb', '901.11']);
    assert.match(d.out, /state: high/, '5.x: below minFree but above soft is still high');
  });

  it('memory state: an unknown generation exits 2 and lists the known ones; other usage errors too', async () => {
    const a = await run(['memory', 'state', '--generation', '6.0', '--host-mb', '1024', '--free-mb', '10']);
    assert.equal(a.code, 2);
    assert.match(a.err, /unknown generation "6\.0": known generations are 4\.1, 5\.5, 6\.7, 7\.0, 8\.0/);
    assert.equal((await run(['memory', 'state', '--host-mb', '1024', '--free-mb', '10'])).code, 2);
    assert.equal((await run(['memory', 'state', '--generation', '8.0', '--free-mb', '10'])).code, 2);
    assert.equal((await run(['memory', 'state', '--generation', '8.0', '--host-mb', '1024', '--free-mb', '2048'])).code, 2);
    assert.equal((await run(['memory', 'state', '--generation', '8.0', '--host-mb', '1024', '--free-mb', '-1'])).code, 2);
    const j = await run(['memory', 'state', '--generation', '3.5', '--host-mb', '1024', '--free-mb', '10', '--json']);
    assert.equal(j.code, 2);
    assert.equal((await run(['memory', 'esxtop', 'x.csv', '--generation', '9.0'], dir)).code, 2);
  });

  it('memory esxtop --generation: the worst state of the capture under that generation', async () => {
    const file = path.join(dir, 'squeeze.csv');
    writeCapture(file, { names: ['web01', 'db01'], samples: 20, hostMemoryMB: 16384, freePct: () => (500 / 16384) * 100 });
    const a = JSON.parse((await run(['memory', 'esxtop', 'squeeze.csv', '--generation', '4.1', '--json'], dir)).out);
    assert.equal(a.hostMB, 16384);
    assert.equal(a.memoryState.state, 'soft');
    const b = await run(['memory', 'esxtop', 'squeeze.csv', '--generation', '8.0'], dir);
    assert.match(b.out, /worst state \(ESX\(i\) 8\.0, 6\.0\+ table, minFree 655 MB of 16384 MB\): clear/);
    const c = JSON.parse((await run(['memory', 'esxtop', 'squeeze.csv', '--json'], dir)).out);
    assert.equal(c.memoryState, undefined, 'no generation, no state');
  });
});
