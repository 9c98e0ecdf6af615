/**
 * Bulk fix: one readiness fix applied to many VMs, shared by the matrix panel and `vlab backup fix`.
 *
 * Modes: `poweredOffOnly` touches only VMs that are off (a running VM that needs to be off is skipped,
 * saying why); `shutdownApplyPowerOn` shuts such a VM's guest down (ShutdownGuest, through VMware
 * Tools), waits for it to be off, applies, and powers it on again — at most `concurrency` VMs at once.
 * Every step is reported through `onStep`; a VM that fails says why and the others go on. Afterwards
 * each VM is read again and its finding re-checked. Cancelling stops new VMs; a VM already shut down
 * is powered on again before the run ends.
 */
import type { VimClient } from '../vsphere/client';
import { asMoRef, asObject, asString, moref, type MoRef } from '../vsphere/decode';
import { generationFromProduct, Generation, HOST_PRODUCT_PATH } from '../vsphere/generation';
import { retrieveObject, retrieveProperty } from '../vsphere/property';
import { runTask } from '../vsphere/tasks';
import { powerOn, setExtraConfig, shutdownGuest } from '../vsphere/vm';
import { consolidateVmDisks } from '../vsphere/consolidate';
import { CancelledError, isCancellation, LabError } from '../errors';
import { checkReadiness, type BulkFixKind, type ReadinessOptions } from './readiness';
import { readinessInput, sweepVmPaths } from './sweep';
import type { Finding } from './rules';

export type BulkMode = 'poweredOffOnly' | 'shutdownApplyPowerOn';

/** Each fix: the rule it answers, whether the VM must be off, and how it is applied. */
export const BULK_FIXES: Readonly<Record<BulkFixKind, { rule: string; requiresPoweredOff: boolean; label: string }>> = {
  enableUuidTrue: { rule: 'backup.quiesce.enableuuid', requiresPoweredOff: true, label: 'Set disk.EnableUUID = TRUE' },
  enableUuidFalse: { rule: 'backup.quiesce.vddk11', requiresPoweredOff: true, label: 'Set disk.EnableUUID = FALSE' },
  consolidate: { rule: 'backup.snapshot.consolidate', requiresPoweredOff: false, label: 'Consolidate disks' },
  enableCbt: { rule: 'backup.cbt.off', requiresPoweredOff: false, label: 'Turn changed block tracking on' },
};

/** The bulk fix that answers a rule, if any. */
export function bulkFixForRule(code: string): BulkFixKind | undefined {
  return (Object.keys(BULK_FIXES) as BulkFixKind[]).find((k) => BULK_FIXES[k].rule === code);
}

export type BulkStepName = 'queued' | 'shutdown' | 'waitOff' | 'apply' | 'powerOn' | 'recheck' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface BulkStep {
  vm: string;
  name: string;
  step: BulkStepName;
  message?: string;
}

export interface BulkTarget {
  ref: MoRef;
  name: string;
}

export interface BulkOutcome {
  vm: string;
  name: string;
  state: 'fixed' | 'stillFound' | 'skipped' | 'failed' | 'cancelled';
  reason?: string;
  findings?: Finding[];
}

export interface BulkFixOptions {
  kind: BulkFixKind;
  mode: BulkMode;
  /** VMs handled at once (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  onStep?: (s: BulkStep) => void;
  /** How long a guest shutdown may take (default 5 min). */
  shutdownTimeoutMs?: number;
  /** Poll interval while waiting for power off (default 500 ms). */
  pollMs?: number;
  readiness?: ReadinessOptions;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new CancelledError('Waiting for the guest to shut down')); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(t); reject(new CancelledError('Waiting for the guest to shut down')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function applyBulkFix(client: VimClient, vm: MoRef, kind: BulkFixKind, signal?: AbortSignal): Promise<void> {
  switch (kind) {
    case 'enableUuidTrue': await setExtraConfig(client, vm, { 'disk.EnableUUID': 'TRUE' }, { signal }); return;
    case 'enableUuidFalse': await setExtraConfig(client, vm, { 'disk.EnableUUID': 'FALSE' }, { signal }); return;
    case 'consolidate': await consolidateVmDisks(client, vm, { signal }); return;
    case 'enableCbt': await runTask(client, 'ReconfigVM_Task', vm, [['spec', { changeTrackingEnabled: true }]], { signal }); return;
  }
}

/** Reads one VM again (its properties and its host's product) and runs the readiness rules. */
export async function recheckVm(client: VimClient, vm: MoRef, opts: { signal?: AbortSignal; readiness?: ReadinessOptions } = {}): Promise<Finding[]> {
  const gen = Generation.fromAbout(client.serviceContent.about);
  const o = await retrieveObject(client, vm, sweepVmPaths(gen), { signal: opts.signal });
  const hostRef = asMoRef(o.props['runtime.host']);
  let product: Record<string, unknown> | undefined;
  if (hostRef) {
    const h = await retrieveObject(client, hostRef, [HOST_PRODUCT_PATH], { signal: opts.signal }).catch(() => undefined);
    product = asObject(h?.props[HOST_PRODUCT_PATH]) as Record<string, unknown> | undefined;
  }
  return checkReadiness(readinessInput(o.props, generationFromProduct(product) ?? gen, product, hostRef), opts.readiness);
}

async function powerStateOf(client: VimClient, vm: MoRef, signal?: AbortSignal): Promise<string | undefined> {
  return asString(await retrieveProperty(client, vm, 'runtime.powerState', { signal }));
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Shuts the guest down and waits until the VM is off. */
async function shutDown(client: VimClient, t: BulkTarget, opts: BulkFixOptions, step: (s: BulkStepName, m?: string) => void): Promise<void> {
  step('shutdown', 'ShutdownGuest');
  await shutdownGuest(client, t.ref, { signal: opts.signal });
  step('waitOff');
  const until = Date.now() + (opts.shutdownTimeoutMs ?? 300_000);
  while ((await powerStateOf(client, t.ref, opts.signal)) !== 'poweredOff') {
    if (Date.now() > until) throw new LabError('shutdownTimeout', `${t.name} did not power off within ${Math.round((opts.shutdownTimeoutMs ?? 300_000) / 1000)} s of the guest shutdown; power it off yourself and run the fix again.`);
    await sleep(opts.pollMs ?? 500, opts.signal);
  }
}

/** One VM through the steps; never throws (its outcome says what happened). */
async function fixOne(client: VimClient, t: BulkTarget, opts: BulkFixOptions): Promise<BulkOutcome> {
  const fix = BULK_FIXES[opts.kind];
  const step = (s: BulkStepName, message?: string): void => opts.onStep?.({ vm: t.ref.value, name: t.name, step: s, ...(message ? { message } : {}) });
  let wasShutDown = false;
  try {
    if (opts.signal?.aborted) throw new CancelledError('The bulk fix');
    const state = await powerStateOf(client, t.ref, opts.signal);
    if (fix.requiresPoweredOff && state !== 'poweredOff') {
      if (opts.mode === 'poweredOffOnly' || state !== 'poweredOn') {
        const reason = state === 'suspended'
          ? 'it is suspended; resume and shut it down, or power it off, then run the fix again'
          : 'it is powered on and this fix needs it powered off; choose "shut down guest, apply, power on" or power it off first';
        step('skipped', reason);
        return { vm: t.ref.value, name: t.name, state: 'skipped', reason };
      }
      await shutDown(client, t, opts, step);
      wasShutDown = true;
    }
    step('apply', fix.label);
    await applyBulkFix(client, t.ref, opts.kind, opts.signal);
    if (wasShutDown) {
      step('powerOn');
      await powerOn(client, t.ref, { signal: opts.signal });
      wasShutDown = false;
    }
    step('recheck');
    const findings = await recheckVm(client, t.ref, { signal: opts.signal, readiness: opts.readiness });
    const still = findings.some((f) => f.id === fix.rule);
    step('done', still ? 'the finding is still there' : 'the finding is gone');
    return { vm: t.ref.value, name: t.name, state: still ? 'stillFound' : 'fixed', findings };
  } catch (e) {
    const cancelled = isCancellation(e) && !!opts.signal?.aborted;
    let reason = cancelled ? 'stopped' : reasonOf(e);
    if (wasShutDown) {
      // Never leave a VM off because of us: power it on again, even when the run was stopped.
      try {
        step('powerOn', 'powering on again after the failure');
        await powerOn(client, t.ref);
      } catch (e2) {
        reason += `; powering it on again failed too: ${reasonOf(e2)}`;
      }
    }
    step(cancelled ? 'cancelled' : 'failed', reason);
    return { vm: t.ref.value, name: t.name, state: cancelled ? 'cancelled' : 'failed', reason };
  }
}

/** Applies one fix to every target, `concurrency` at a time (see the module comment). */
export async function bulkFix(client: VimClient, targets: readonly BulkTarget[], opts: BulkFixOptions): Promise<BulkOutcome[]> {
  const out: BulkOutcome[] = new Array(targets.length);
  for (const t of targets) opts.onStep?.({ vm: t.ref.value, name: t.name, step: 'queued' });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      if (opts.signal?.aborted) {
        out[i] = { vm: targets[i].ref.value, name: targets[i].name, state: 'cancelled', reason: 'stopped before it started' };
        opts.onStep?.({ vm: targets[i].ref.value, name: targets[i].name, step: 'cancelled', message: 'stopped before it started' });
        continue;
      }
      out[i] = await fixOne(client, targets[i], opts);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 2, targets.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

/** A target from a moref value and a name. */
export function bulkTarget(value: string, name: string): BulkTarget {
  return { ref: moref('VirtualMachine', value), name };
}
