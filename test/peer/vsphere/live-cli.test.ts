/**
 * `vlab watch` and `vlab events` against vcsim, through the real dispatcher: the watch prints a JSON
 * line for a power-off made by another client and ends cleanly (exit 0) on the interrupt signal;
 * events name the user of a power action, and --follow prints a new one as JSON lines.
 */
import assert from 'node:assert/strict';
import { withLab } from '../../lab';
import { runCli } from '../../../src/cli/main';
import { commands } from '../../../src/cli/commands/live';
import type { CliIO } from '../../../src/cli/command';
import { VimClient } from '../../../src/core/vsphere/client';
import { powerOff, powerOn } from '../../../src/core/vsphere/vm';

const USER = 'administrator@vsphere.local';
const PASS = 'VMware1!';

function io(env: Record<string, string>, interrupt?: AbortController): CliIO & { out: string; err: string } {
  const r = {
    out: '', err: '', env, cwd: process.cwd(),
    stdout(t: string) { r.out += t; },
    stderr(t: string) { r.err += t; },
    interrupted: interrupt ? () => interrupt.signal : undefined,
  };
  return r;
}

async function until(what: string, ms: number, probe: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('vlab watch and vlab events against vcsim', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 1, vm: 2, username: USER, password: PASS } });
  let other: VimClient;
  const args = (...more: string[]): string[] => [lab.vcsim.sdkUrl, '--user', USER, '--thumbprint', lab.vcsim.thumbprintSha256, ...more];

  before(async () => {
    other = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: USER, password: PASS, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    lab.beforeStop(() => other.close());
  });

  it('watch --json prints one line per change (a power-off by another client) and ends cleanly on Ctrl-C', async () => {
    const stop = new AbortController();
    const o = io({ VLAB_PASSWORD: PASS }, stop);
    const running = runCli(['watch', ...args('--json')], o, commands);
    await until('the watch to start', 20_000, () => o.err.includes('watching'));
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    await powerOff(other, { type: 'VirtualMachine', value: vm.moref });
    await until('the power-off line', 10_000, () => o.out.includes('"poweredOff"'));
    stop.abort();
    assert.equal(await running, 0, o.err);
    const lines = o.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lines.find((l) => l.property === 'runtime.powerState' && l.object === vm.moref);
    assert.ok(line, o.out);
    assert.equal(line.name, vm.name);
    assert.equal(line.value, 'poweredOff');
    assert.ok(typeof line.time === 'string' && !Number.isNaN(Date.parse(line.time)));
    assert.ok(!o.out.includes(PASS) && !o.err.includes(PASS));
  });

  it('events --vm --json names the user of a power action', async () => {
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOff')!;
    await powerOn(other, { type: 'VirtualMachine', value: vm.moref });
    const o = io({ VLAB_PASSWORD: PASS });
    const code = await runCli(['events', ...args('--vm', vm.name, '--json')], o, commands);
    assert.equal(code, 0, o.err);
    const doc = JSON.parse(o.out) as { events: Array<{ type: string; user: string; message: string }> };
    const on = doc.events.find((e) => e.type === 'VmPoweredOnEvent');
    assert.ok(on, o.out);
    assert.equal(on.user, USER);
  });

  it('events --follow --json prints new events as JSON lines until Ctrl-C', async () => {
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn')!;
    const stop = new AbortController();
    const o = io({ VLAB_PASSWORD: PASS }, stop);
    const running = runCli(['events', ...args('--vm', vm.name, '--type', 'VmPoweredOffEvent', '--follow', '--json', '--limit', '5')], o, commands);
    await new Promise((r) => setTimeout(r, 1500));
    const before = o.out.split('\n').filter(Boolean).length;
    await powerOff(other, { type: 'VirtualMachine', value: vm.moref });
    await until('a followed event', 40_000, () => o.out.split('\n').filter(Boolean).length > before);
    stop.abort();
    assert.equal(await running, 0, o.err);
    const last = JSON.parse(o.out.trim().split('\n').pop()!) as { type: string; user: string; object: { name: string } };
    assert.equal(last.type, 'VmPoweredOffEvent');
    assert.equal(last.user, USER);
    assert.equal(last.object.name, vm.name);
  });

  it('an unknown VM is a failure in words, exit 1', async () => {
    const o = io({ VLAB_PASSWORD: PASS });
    const code = await runCli(['events', ...args('--vm', 'no-such-vm')], o, commands);
    assert.equal(code, 1);
    assert.match(o.err, /no VM named "no-such-vm"/);
  });
});
