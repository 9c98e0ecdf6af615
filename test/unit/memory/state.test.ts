import assert from 'node:assert/strict';
import { Generation } from '../../../src/core/vsphere/generation';
import { ladder, minFreeMB, pageSharingScope, stateForFree, stateFromCounter, stateModel, stateReport, thresholdsMB, STATE_MODELS, type StateModel } from '../../../src/core/memory/state';

const gen = (v: string) => Generation.fromAbout({ version: v })!;
const G41 = stateModel(gen('4.1.0'));
const G55 = stateModel(gen('5.5.0'));
const G80 = stateModel(gen('8.0.2'));
const near = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-6, `${msg ?? ''} ${a} ≠ ${b}`);
const mbOf = (m: StateModel, host: number) => Object.fromEntries(thresholdsMB(m, host).map((t) => [t.state, t.mb]));

/** Free exactly at each threshold stays in the state above; a hair below enters the state. */
function edges(m: StateModel, host: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const th = thresholdsMB(m, host);
  for (let i = 1; i < th.length; i++) {
    out.push([th[i].mb, m.states[i - 1].state], [th[i].mb - 1e-6, m.states[i].state]);
  }
  return out;
}

describe('memory: free-memory states per generation', () => {
  it('which table each generation uses (4.0/4.1 → 4.x, 5.0–5.5 → 5.x, 6.0 and later → 6.0+)', () => {
    const label = (v: string) => stateModel(gen(v)).label;
    assert.deepEqual(['4.0.0', '4.1.0', '5.0.0', '5.1.0', '5.5.0', '6.0.0', '6.5.0', '6.7.0', '7.0.3', '8.0.2'].map(label),
      ['4.x', '4.x', '5.x', '5.x', '5.x', '6.0+', '6.0+', '6.0+', '6.0+', '6.0+']);
    assert.equal(stateModel().label, '4.x', 'no generation known: the 4.x table');
    for (const m of Object.values(STATE_MODELS)) assert.ok(m.sources.length > 0, `${m.label} names its sources`);
  });

  it('4.x: minFree is 6 % of host memory; soft/hard/low at 64/32/16 % of it', () => {
    near(minFreeMB(G41, 100000), 6000);
    const t = mbOf(G41, 100000);
    assert.deepEqual(Object.keys(t), ['high', 'soft', 'hard', 'low']);
    near(t.high, 6000); near(t.soft, 3840); near(t.hard, 1920); near(t.low, 960);
    const at = (free: number) => stateForFree(G41, 100000, free).state;
    assert.equal(at(50000), 'high');
    assert.equal(at(5000), 'high', 'below minFree but above soft: still high');
    assert.equal(at(3840), 'high');
    assert.equal(at(3839.99), 'soft');
    assert.equal(at(1920), 'soft');
    assert.equal(at(1919.99), 'hard');
    assert.equal(at(960), 'hard');
    assert.equal(at(959.99), 'low');
    assert.equal(at(0), 'low');
    for (const [free, st] of edges(G41, 65536)) assert.equal(stateForFree(G41, 65536, free).state, st, `free ${free}`);
  });

  it('5.x: minFree on the sliding scale (6 % of 4 GB, 4 % to 12 GB, 2 % to 28 GB, 1 % above)', () => {
    near(minFreeMB(G55, 2048), 122.88, '2 GB: 6 %');
    near(minFreeMB(G55, 4096), 245.76, '4 GB');
    near(minFreeMB(G55, 8192), 409.6, '8 GB: 245.76 + 4 % of 4 GB');
    near(minFreeMB(G55, 12288), 573.44, '12 GB');
    near(minFreeMB(G55, 28672), 901.12, '28 GB (blogs say 899 MB)');
    near(minFreeMB(G55, 102400), 1638.4, '100 GB: 901.12 + 1 % of 72 GB');
    const t = mbOf(G55, 28672);
    assert.deepEqual(Object.keys(t), ['high', 'soft', 'hard', 'low']);
    near(t.high, 901.12); near(t.soft, 576.7168); near(t.hard, 288.3584); near(t.low, 144.1792);
    for (const [free, st] of edges(G55, 28672)) assert.equal(stateForFree(G55, 28672, free).state, st, `free ${free}`);
    assert.equal(stateForFree(G55, 28672, 0).state, 'low');
    assert.throws(() => minFreeMB(G55, -1), /non-negative/);
    assert.throws(() => stateForFree(G55, 1024, NaN), /must be a number/);
  });

  it('6.0+: five states, high at 400 % (Epping; 300 % elsewhere), clear 100, soft 64, hard 32, low 16', () => {
    const t = mbOf(G80, 28672);
    assert.deepEqual(Object.keys(t), ['high', 'clear', 'soft', 'hard', 'low']);
    near(t.high, 3604.48); near(t.clear, 901.12); near(t.soft, 576.7168); near(t.hard, 288.3584); near(t.low, 144.1792);
    const at = (free: number) => stateForFree(G80, 28672, free).state;
    assert.equal(at(10000), 'high');
    assert.equal(at(2000), 'high', 'below 400 % but above minFree: high (large pages broken at the next TPS run)');
    assert.equal(at(901.12), 'high');
    assert.equal(at(901.11), 'clear');
    for (const [free, st] of edges(G80, 28672)) assert.equal(stateForFree(G80, 28672, free).state, st, `free ${free}`);
    assert.ok(G80.notes.some((n) => /300 %/.test(n)), 'the other figure is named');
  });

  it('the same free memory: soft on a 4.1 host, clear on an 8.0 host (16 GB, 500 MB free)', () => {
    assert.equal(stateForFree(G41, 16384, 500).state, 'soft');
    assert.equal(stateForFree(G80, 16384, 500).state, 'clear');
    const r = stateReport(G80, 16384, 500);
    near(r.minFreeMB, 655.36);
    assert.equal(r.state.state, 'clear');
    assert.match(r.state.triggers, /large pages/i);
  });

  it('what each state triggers, per generation', () => {
    const act = (m: StateModel) => Object.fromEntries(m.states.map((s) => [s.state, s.active.join('+')]));
    assert.deepEqual(act(G41), { high: 'tps', soft: 'tps+balloon', hard: 'tps+balloon+compress+swap', low: 'tps+balloon+compress+swap+block' });
    assert.deepEqual(act(G55), { high: 'tps', soft: 'tps+balloon', hard: 'tps+compress+swap', low: 'tps+compress+swap+block' });
    assert.deepEqual(act(G80), { high: 'tps', clear: 'largePages+tps', soft: 'tps+balloon', hard: 'tps+compress+swap', low: 'compress+swap+block' });
  });

  it('mem.state.latest: 0..3 on 4.x/5.x; 0..4 on 6.0+', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((v) => stateFromCounter(G41, v)?.state), ['high', 'soft', 'hard', 'low', undefined]);
    assert.deepEqual([0, 1, 2, 3, 4].map((v) => stateFromCounter(G80, v)?.state), ['high', 'clear', 'soft', 'hard', 'low']);
    assert.equal(stateFromCounter(G41, 1.5), undefined);
  });
});

describe('memory: the reclamation ladder per generation', () => {
  const row = (steps: ReturnType<typeof ladder>) => steps.map((s) => `${s.step}:${s.active ? 'now' : s.next ? 'next' : s.seenOnly ? 'seen' : '-'}`).join(' ');

  it('4.1: page sharing, balloon, compression, swap, block; 4.0 has no compression', () => {
    assert.equal(row(ladder(G41, 'high', {}, gen('4.1.0'))), 'tps:now balloon:next compress:- swap:- block:-');
    assert.equal(row(ladder(G41, 'soft', {}, gen('4.1.0'))), 'tps:now balloon:now compress:next swap:next block:-');
    assert.equal(row(ladder(G41, 'low', {}, gen('4.1.0'))), 'tps:now balloon:now compress:now swap:now block:now');
    assert.equal(row(ladder(G41, 'soft', {}, gen('4.0.0'))), 'tps:now balloon:now swap:next block:-');
  });

  it('8.0: large pages first; the balloon stops in hard', () => {
    assert.equal(row(ladder(G80, 'high')), 'largePages:next tps:now balloon:- compress:- swap:- block:-');
    assert.equal(row(ladder(G80, 'clear')), 'largePages:now tps:now balloon:next compress:- swap:- block:-');
    assert.equal(row(ladder(G80, 'hard', { balloonVms: 2 })), 'largePages:- tps:now balloon:seen compress:now swap:now block:next');
    assert.throws(() => ladder(G41, 'clear'), /not one of the 4.x states/);
  });

  it('balloon or swap seen on VMs while the state does not trigger it', () => {
    const soft = ladder(G41, 'soft', { balloonVms: 2, swapVms: 1 });
    const swap = soft.find((s) => s.step === 'swap')!;
    assert.deepEqual([swap.active, swap.seenOnly, swap.seenOnVms, swap.next], [false, true, 1, true]);
    assert.equal(soft.find((s) => s.step === 'balloon')!.seenOnVms, 2);
    const host = ladder(G41, 'high', { hostSwap: true }).find((s) => s.step === 'swap')!;
    assert.deepEqual([host.seenOnly, host.seenOnVms], [true, 0]);
    assert.equal(ladder(G41, 'high').find((s) => s.step === 'tps')!.seenOnVms, undefined);
  });
});

describe('memory: inter-VM page sharing (salting)', () => {
  it('the generation default, unless the host option says otherwise', () => {
    assert.deepEqual(pageSharingScope(gen('4.1.0')), { scope: 'inter-vm', from: 'default' });
    assert.deepEqual(pageSharingScope(gen('5.5.0')), { scope: 'unknown', from: 'default' });
    assert.deepEqual(pageSharingScope(gen('6.0.0')), { scope: 'within-vm', from: 'default' });
    assert.deepEqual(pageSharingScope(gen('8.0.0'), 0), { scope: 'inter-vm', from: 'option', shareForceSalting: 0 });
    assert.deepEqual(pageSharingScope(gen('5.5.0'), 2), { scope: 'within-vm', from: 'option', shareForceSalting: 2 });
    assert.deepEqual(pageSharingScope(undefined), { scope: 'inter-vm', from: 'default' });
  });
});
