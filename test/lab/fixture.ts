/**
 * `withLab(spec)`: the lab as a mocha fixture. Called in a `describe`, it starts what the spec asks
 * for in a `before` hook and stops it in an `after` hook; the handle's getters give the running
 * peers (reading one the spec did not ask for, or before the hook ran, throws).
 *
 *   const lab = withLab({ vcsim: { esx: true, vm: 3 }, esxi: { password: 'VMware1!' } });
 *   it('…', async () => { await lab.vcsim.listVms(); … });
 *
 * Mocha runs `after` hooks in the order they were declared, so clean-up that still needs the
 * peers (closing a client, removing a connection) goes in `lab.beforeStop(fn)`: those run, last
 * registered first, just before the peers stop.
 */
import { startLab, type Lab, type LabSpec } from './lab';
import type { Esxi } from './esxi';
import type { LabHost } from './hosts';
import type { Sshd } from './sshd';
import type { Vcsim } from './vcsim';

export interface LabFixture {
  readonly vcsim: Vcsim;
  readonly esxi: Esxi;
  readonly sshd: Sshd;
  /** The spec's `hosts` (vCenter hosts played by their own peers), in order. */
  readonly hosts: readonly LabHost[];
  /** Run `fn` before the peers stop (e.g. close a session that talks to them). */
  beforeStop(fn: () => unknown): void;
}

export function withLab(spec: LabSpec | (() => LabSpec), opts: { timeoutMs?: number } = {}): LabFixture {
  let lab: Lab | undefined;
  const cleanups: Array<() => unknown> = [];
  const peer = <T>(name: 'vcsim' | 'esxi' | 'sshd' | 'hosts', v: T | undefined): T => {
    if (v === undefined) throw new Error(`withLab: no ${name} (${lab ? 'the spec does not ask for one' : 'the before hook has not run'})`);
    return v;
  };
  before(async function () {
    this.timeout(opts.timeoutMs ?? 120_000);
    lab = await startLab(typeof spec === 'function' ? spec() : spec);
  });
  after(async function () {
    this.timeout(opts.timeoutMs ?? 60_000);
    try {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    } finally {
      await lab?.stop();
    }
  });
  return {
    get vcsim() {
      return peer('vcsim', lab?.vcsim);
    },
    get esxi() {
      return peer('esxi', lab?.esxi);
    },
    get sshd() {
      return peer('sshd', lab?.sshd);
    },
    get hosts() {
      return peer('hosts', lab?.hosts.length ? lab.hosts : undefined);
    },
    beforeStop(fn) {
      cleanups.push(fn);
    },
  };
}
