import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CliIO } from '../../../src/cli/command';
import { CliFailure, UsageError } from '../../../src/cli/command';
import { commands } from '../../../src/cli/commands/vdr';

const FIX = path.join(__dirname, '../../fixtures/vdr');
const analyze = commands.find((c) => c.path.join(' ') === 'vdr analyze')!;

function fakeIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: FIX };
}

async function run(positionals: string[], values: Record<string, string | string[] | boolean | undefined> = {}, json = false) {
  const io = fakeIO();
  const code = await analyze.run({ positionals, values, json, io });
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('cli: vlab vdr analyze', () => {
  it('is declared as `vdr analyze` with its options', () => {
    assert.deepEqual(analyze.path, ['vdr', 'analyze']);
    assert.deepEqual(Object.keys(analyze.options ?? {}).sort(), ['api', 'created-on', 'vddk', 'vmx']);
  });

  it('human report for the fixture night, exit 1 (error findings)', async () => {
    const r = await run(['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log'], { vmx: ['vmx/w2k8r2-41.vmx'] });
    assert.equal(r.code, 1);
    assert.match(r.out, /Read 3 log file\(s\), 31 lines \(2 not in a known shape\)/);
    assert.match(r.out, /ERROR +\[EXCH01\] Windows Server 2008 R2: application-consistent quiescing/);
    assert.match(r.out, /evidence: vmx\/w2k8r2-41\.vmx:23 disk\.EnableUUID = "TRUE"/);
    assert.match(r.out, /evidence: datarecovery-0\.log:4 .*error -3960/);
    assert.match(r.out, /fix: set disk\.EnableUUID = "FALSE" \(with the VM powered off\)/);
    assert.match(r.out, /2012-07-08T08:30:00Z → 2012-07-08T10:00:00Z +terminated-at-stop-time All_Other_VMs_Backup_Job \(FILE02\)/);
    assert.match(r.out, / 3× +-3956 operation failed/);
    // -3960 from the logs: the VM whose job run was open is named.
    assert.match(r.out, /ERROR +\[EXCH01\] Snapshots failed: the guest could not be quiesced \(-3960\)/);
    assert.match(r.out, /1× +-3960 cannot quiesce virtual machine\n.*during job runs of: EXCH01 \(1\)/);
    // Errors come before warnings.
    assert.ok(r.out.indexOf('ERROR') < r.out.indexOf('WARNING'));
  });

  it('--json writes one document with findings, jobs and errors', async () => {
    const r = await run(['datarecovery-0.log', 'vcbAPI-0.log'], {}, true);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out) as { findings: { id: string }[]; jobs: { name: string; outcome: string; end: { file: string } }[]; errors: { key: string; count: number }[] };
    assert.deepEqual(doc.findings.map((f) => f.id), [
      'vdr.log.quiesce-3960', 'vdr.log.read-errors', 'vdr.log.restore-point-2249', 'vdr.log.jobs-incomplete', 'vdr.log.stop-time',
    ]);
    assert.deepEqual(doc.errors.map((g) => [g.key, g.count]), [['-3956', 3], ['vcbAPI:2338', 2], ['-2249', 1], ['-3960', 1]]);
    assert.equal(doc.jobs.length, 4);
    const q = (doc.findings as { id: string; vm?: string }[]).find((f) => f.id === 'vdr.log.quiesce-3960')!;
    assert.equal(q.vm, 'EXCH01');
    assert.deepEqual((doc.errors as unknown as { key: string; duringRuns: unknown }[]).find((g) => g.key === '-3960')!.duringRuns, [{ vm: 'EXCH01', lines: 1 }]);
    assert.equal(doc.jobs[0].end.file, 'datarecovery-0.log', 'paths as the user gave them');
  });

  it('a clean VM alone: exit 0', async () => {
    const r = await run([], { vmx: ['vmx/linux-clean.vmx'] });
    assert.equal(r.code, 0);
    assert.match(r.out, /Nothing wrong found/);
  });

  it('warnings only: exit 0 (hardware 4 VM)', async () => {
    const r = await run([], { vmx: ['vmx/hw4.vmx'] }, true);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out).findings.map((f: { id: string }) => f.id), ['vdr.hw-version']);
  });

  it('reads RDM descriptors next to the .vmx', async () => {
    const r = await run([], { vmx: ['vmx/rdm-independent.vmx'] }, true);
    const ids = JSON.parse(r.out).findings.map((f: { id: string }) => f.id);
    assert.deepEqual(ids, ['vdr.physical-rdm', 'vdr.independent-disk']);
    assert.equal(r.code, 1);
  });

  it('--api takes the ApiVmConfig JSON; --vddk 1.2 turns the 2008 R2 finding into a note', async () => {
    const a = await run([], { api: ['vmx/api-w2k8r2.json'] }, true);
    const fa = JSON.parse(a.out).findings as { id: string; severity: string }[];
    assert.deepEqual(fa.map((f) => `${f.id}/${f.severity}`), ['vdr.win2008-app-quiesce/error', 'vdr.tools-837-2008r2/warning', 'vdr.floppy-2008r2/warning']);
    const b = await run([], { api: ['vmx/api-w2k8r2.json'], vddk: '1.2' }, true);
    assert.equal(b.code, 0);
    const fb = JSON.parse(b.out).findings as { id: string; severity: string }[];
    assert.equal(fb.find((f) => f.id === 'vdr.win2008-app-quiesce')!.severity, 'info');
  });

  it('usage and failures', async () => {
    await assert.rejects(run([]), UsageError);
    await assert.rejects(run([], { vmx: ['vmx/hw4.vmx'], 'created-on': 'four' }), UsageError);
    await assert.rejects(run(['nope.log']), (e: unknown) => e instanceof CliFailure && e.code === 'not-found');
    await assert.rejects(run([], { api: ['datarecovery-0.log'] }), (e: unknown) => e instanceof CliFailure && e.code === 'bad-json');
  });
});
