/**
 * `vlab backup sweep URL … [--under PATH] [--json]`: the backup readiness rules (core/backup/
 * readiness.ts) on every VM from one property retrieve; one line per VM with findings; exit 1 when
 * any VM has an error.
 * `vlab backup fix URL … --rule CODE --vm NAME… [--shutdown] [--concurrency N]`: the rule's fix on
 * those VMs, as the matrix panel applies it (core/backup/bulkFix.ts), each step printed; exit 1 when
 * a VM could not be fixed or still has the finding.
 */
import { lazy } from '../../core/lazy';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionList, optionString as str, positiveNumber, UsageError } from '../command';
import { VSPHERE_OPTIONS, VSPHERE_SYNOPSIS, withVsphere } from '../vsphere';

const core = {
  sweep: lazy(() => require('../../core/backup/sweep') as typeof import('../../core/backup/sweep')),
  bulk: lazy(() => require('../../core/backup/bulkFix') as typeof import('../../core/backup/bulkFix')),
  readiness: lazy(() => require('../../core/backup/readiness') as typeof import('../../core/backup/readiness')),
};

/** The JSON document of `vlab backup sweep --json`. */
export interface SweepJson {
  vms: { name: string; path: string; findings: { code: string; severity: string; title: string }[] }[];
}

async function sweep(inv: CliInvocation): Promise<number> {
  const under = str(inv, 'under');
  return withVsphere(inv, 'backup sweep', async (client) => {
    const r = await core.sweep().sweepBackupReadiness(client, {
      ...(under ? { under } : {}),
      readLogs: inv.values['no-logs'] !== true,
    });
    if (under && r.vms.length === 0) throw new CliFailure(`no VM at or below '${under}' (an inventory path such as /DC0/host/DC0_C0 or /DC0/vm).`, 'not-found');
    const doc: SweepJson = {
      vms: r.vms.map((v) => ({ name: v.name, path: v.path, findings: v.findings.map((f) => ({ code: f.id, severity: f.severity, title: f.title })) })),
    };
    const errors = r.vms.filter((v) => v.findings.some((f) => f.severity === 'error')).length;
    emit(inv, doc, () => {
      const lines = r.vms.filter((v) => v.findings.length).map((v) =>
        `${v.path}  ${v.findings.map((f) => `${f.severity.toUpperCase()} ${f.id}: ${f.title}`).join('; ')}`);
      const withFindings = lines.length;
      lines.push('', `${r.vms.length} VMs checked, ${withFindings} with findings, ${errors} with errors` +
        ` (vmware.log: ${r.logs.read} read${r.logs.missing ? `, ${r.logs.missing} missing` : ''}${r.logs.failed ? `, ${r.logs.failed} failed` : ''}${r.logs.skipped ? `, ${r.logs.skipped} skipped` : ''}).`);
      return lines.join('\n');
    });
    return errors ? EXIT_FINDINGS : EXIT_OK;
  });
}

async function fix(inv: CliInvocation): Promise<number> {
  const code = str(inv, 'rule');
  if (!code) throw new UsageError('--rule is required (a rule code from `vlab backup sweep`, e.g. backup.quiesce.enableuuid)');
  const bulk = core.bulk();
  const kind = bulk.bulkFixForRule(code);
  if (!kind) {
    const fixable = core.readiness().READINESS_RULES.filter((r) => r.bulkFix).map((r) => r.code);
    throw new UsageError(`rule '${code}' has no fix that can be applied from here; these do: ${fixable.join(', ')}`);
  }
  const names = optionList(inv.values.vm);
  if (!names.length) throw new UsageError('--vm NAME is required (repeat it for several VMs)');
  const concurrency = inv.values.concurrency === undefined ? 2 : positiveNumber(inv.values.concurrency, 'concurrency', true);
  const mode = inv.values.shutdown === true ? 'shutdownApplyPowerOn' : 'poweredOffOnly';
  return withVsphere(inv, 'backup fix', async (client) => {
    const found = await core.sweep().sweepBackupReadiness(client, { readLogs: false });
    const targets = [];
    for (const n of names) {
      const hits = found.vms.filter((v) => v.name === n || v.path === n);
      if (hits.length !== 1) throw new CliFailure(hits.length ? `'${n}' names ${hits.length} VMs; give its inventory path instead (${hits.map((h) => h.path).join(', ')}).` : `no VM named '${n}'.`, 'not-found');
      targets.push(bulk.bulkTarget(hits[0].ref.value, hits[0].name));
    }
    const out = await bulk.bulkFix(client, targets, {
      kind, mode, concurrency,
      onStep: inv.json ? undefined : (s) => inv.io.stderr(`${s.name}: ${s.step}${s.message ? ` — ${s.message}` : ''}\n`),
    });
    emit(inv, { rule: code, fix: bulk.BULK_FIXES[kind].label, mode, vms: out.map((o) => ({ name: o.name, state: o.state, ...(o.reason ? { reason: o.reason } : {}) })) }, () =>
      out.map((o) => `${o.name}: ${o.state}${o.reason ? ` — ${o.reason}` : ''}`).join('\n'));
    return out.every((o) => o.state === 'fixed') ? EXIT_OK : EXIT_FINDINGS;
  });
}

export const commands: CliCommand[] = [
  {
    path: ['backup', 'sweep'],
    summary: 'Check every VM (or those under a path) for what will make its backup fail or be incomplete, for its vSphere generation.',
    synopsis: `${VSPHERE_SYNOPSIS} [--under PATH] [--no-logs] [--json]`,
    positionals: { min: 1, max: 1 },
    options: {
      ...VSPHERE_OPTIONS,
      under: { type: 'string', description: 'only VMs at or below this inventory path, e.g. /DC0/host/DC0_C0', valueName: 'PATH' },
      'no-logs': { type: 'boolean', description: 'do not read vmware.log of VMs with a snapshot finding' },
    },
    run: sweep,
  },
  {
    path: ['backup', 'fix'],
    summary: 'Apply a readiness rule\'s fix to VMs (powered-off ones; with --shutdown, shut down the guest, apply, power on), then re-check.',
    synopsis: `${VSPHERE_SYNOPSIS} --rule CODE --vm NAME… [--shutdown] [--concurrency N] [--json]`,
    positionals: { min: 1, max: 1 },
    options: {
      ...VSPHERE_OPTIONS,
      rule: { type: 'string', description: 'the rule code, e.g. backup.quiesce.enableuuid, backup.snapshot.consolidate, backup.cbt.off', valueName: 'CODE' },
      vm: { type: 'string', multiple: true, description: 'a VM name or inventory path (repeat for several)', valueName: 'NAME' },
      shutdown: { type: 'boolean', description: 'for a fix that needs the VM off: shut a running guest down, apply, power it on again' },
      concurrency: { type: 'string', description: 'VMs handled at once (default 2)', valueName: 'N' },
    },
    run: fix,
  },
];
