import assert from 'node:assert/strict';
import { ladder, stateFromCounter, stateFromFreePct, STATES } from '../../../src/core/memory/state';

describe('memory: host free-memory states (ESX 4.x)', () => {
  it('thresholds: high ≥ 6%, soft ≥ 4%, hard ≥ 2%, low below', () => {
    const at = (p: number) => stateFromFreePct(p).state;
    assert.equal(at(50), 'high');
    assert.equal(at(6), 'high');
    assert.equal(at(5.99), 'soft');
    assert.equal(at(4), 'soft');
    assert.equal(at(3.99), 'hard');
    assert.equal(at(2), 'hard');
    assert.equal(at(1.99), 'low');
    assert.equal(at(1), 'low');
    assert.equal(at(0), 'low');
    assert.throws(() => stateFromFreePct(NaN), /must be a number/);
  });

  it('what each state triggers', () => {
    assert.deepEqual(STATES.map((s) => s.thresholdPct), [6, 4, 2, 1]);
    assert.deepEqual(stateFromFreePct(10).active, ['tps']);
    assert.deepEqual(stateFromFreePct(5).active, ['tps', 'balloon']);
    assert.deepEqual(stateFromFreePct(3).active, ['tps', 'balloon', 'swap']);
    assert.ok(stateFromFreePct(0.5).active.includes('block'));
    assert.match(stateFromFreePct(0.5).triggers, /blocked/);
  });

  it('mem.state.latest values 0..3 map to high..low', () => {
    assert.deepEqual([0, 1, 2, 3].map((v) => stateFromCounter(v)?.state), ['high', 'soft', 'hard', 'low']);
    assert.equal(stateFromCounter(4), undefined);
    assert.equal(stateFromCounter(1.5), undefined);
  });

  it('the ladder marks page sharing always, what runs now and what comes next', () => {
    const high = ladder('high');
    assert.deepEqual(high.map((s) => [s.step, s.active, s.next]), [['tps', true, false], ['balloon', false, true], ['swap', false, false]]);
    const soft = ladder('soft');
    assert.deepEqual(soft.map((s) => [s.step, s.active, s.next]), [['tps', true, false], ['balloon', true, false], ['swap', false, true]]);
    const hard = ladder('hard');
    assert.ok(hard.every((s) => s.active && !s.next));
  });

  it('balloon or swap seen on VMs in a state that does not trigger it is "seen", not "now"', () => {
    // A soft host with one VM holding swapped memory (a VM limit, or swap left from earlier contention).
    const soft = ladder('soft', { balloonVms: 2, swapVms: 1 });
    assert.deepEqual(soft.map((s) => [s.step, s.active, s.seenOnly, s.seenOnVms, s.next]),
      [['tps', true, false, undefined, false], ['balloon', true, false, 2, false], ['swap', false, true, 1, true]]);
    // A high host: ballooning on a VM at its limit is seen, and the balloon is still what comes next.
    const high = ladder('high', { balloonVms: 1 });
    assert.deepEqual(high.map((s) => [s.step, s.active, s.seenOnly, s.next]), [['tps', true, false, false], ['balloon', false, true, true], ['swap', false, false, false]]);
    // Host-wide figures alone (no per-VM series) also count as seen.
    assert.equal(ladder('high', { hostSwap: true })[2].seenOnly, true);
    assert.equal(ladder('high', { hostSwap: true })[2].seenOnVms, 0);
    // In a state that triggers the step, it is "now" whatever is observed.
    const hard = ladder('hard', { swapVms: 0 });
    assert.ok(hard.every((s) => s.active && !s.seenOnly));
    assert.equal(ladder('hard', { swapVms: 3 })[2].seenOnVms, 3);
  });
});
