/**
 * The one registry of agent tools. VS Code registers each as a language-model tool (the manifest's
 * `contributes.languageModelTools` mirrors these names and schemas; a unit test holds them equal)
 * and `vlab mcp` serves them over the Model Context Protocol. The implementations load on first use
 * (core/lazy.ts), so the registry is cheap to import at activation.
 */
import { lazy } from '../lazy';
import { checkInput } from './input';
import { COMMON_PROPERTIES } from './lookup';
import { renderResult } from './render';
import type { AgentTool, CommonInput, JsonSchema, PlannedChange, ToolContext } from './types';

const impl = {
  vms: lazy(() => require('./tools/vms') as typeof import('./tools/vms')),
  memory: lazy(() => require('./tools/memory') as typeof import('./tools/memory')),
  backup: lazy(() => require('./tools/backup') as typeof import('./tools/backup')),
  files: lazy(() => require('./tools/files') as typeof import('./tools/files')),
  power: lazy(() => require('./tools/power') as typeof import('./tools/power')),
  snapshots: lazy(() => require('./tools/snapshots') as typeof import('./tools/snapshots')),
  backupFix: lazy(() => require('./tools/backupFix') as typeof import('./tools/backupFix')),
  events: lazy(() => require('./tools/events') as typeof import('./tools/events')),
  certRotation: lazy(() => require('./tools/certRotation') as typeof import('./tools/certRotation')),
};

function schema(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', properties: { ...properties, ...COMMON_PROPERTIES }, ...(required.length ? { required } : {}), additionalProperties: false };
}

const name = (description: string): JsonSchema => ({ type: 'string', maxLength: 300, description });
const files = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string', maxLength: 4096 }, maxItems: 20, description });

export const AGENT_TOOLS: readonly AgentTool[] = [
  {
    name: 'vsphere_find_vms', title: 'Find VMs', readOnly: true, destructive: false, needsConnection: true, tags: ['vsphere', 'inventory'],
    description: 'Searches the vSphere inventory for virtual machines by name (substring or * wildcard), power state, guest OS, host, snapshot age or snapshot chain depth. Returns each VM with power state, host, guest OS, vCPU, memory, guest IP, snapshot count/depth/age and inventory path, each with the API property it comes from.',
    inputSchema: schema({
      name: name('Part of the VM name, or a pattern with *.'),
      powerState: { type: 'string', enum: ['poweredOn', 'poweredOff', 'suspended'], description: 'Only VMs in this power state.' },
      guest: name('Part of the guest OS name or id, e.g. "Windows Server 2008" or "rhel".'),
      host: name('Part of the name of the host running the VM.'),
      snapshotOlderThanDays: { type: 'number', minimum: 0, maximum: 36500, description: 'Only VMs with a snapshot at least this many days old.' },
      minSnapshotDepth: { type: 'integer', minimum: 1, maximum: 1000, description: 'Only VMs whose snapshot chain is at least this deep.' },
      limit: { type: 'integer', minimum: 1, maximum: 200, description: 'At most this many VMs (default 25).' },
    }),
    run: (i, ctx) => impl.vms().findVms(i, ctx),
  },
  {
    name: 'vsphere_vm_facts', title: 'VM facts', readOnly: true, destructive: false, needsConnection: true, tags: ['vsphere', 'vm'],
    description: 'The facts of one VM: power state and host, configuration (guest OS, vCPU, memory, hardware version, .vmx path), guest IP addresses, VMware Tools status and version, changed block tracking, snapshots (chain depth, age), consolidation needed, memory ballooned or swapped now, and its five newest events. Each fact names its API property or event.',
    inputSchema: schema({ vm: name('The VM: its name, inventory path or moref (vm-42).') }, ['vm']),
    run: (i, ctx) => impl.vms().vmFacts(i as never, ctx),
  },
  {
    name: 'vsphere_recent_activity', title: 'Recent events and tasks', readOnly: true, destructive: false, needsConnection: true, tags: ['vsphere', 'events', 'tasks'],
    description: 'What happened lately: the newest events (who did what, errors, alarms) and the recent tasks (running, done, failed with the server\'s error) of a VM, a host (with its VMs) or the whole inventory. Each names the event key or task it comes from.',
    inputSchema: schema({
      vm: name('A VM (name, path or moref).'),
      host: name('A host (its events include its VMs\').'),
      limit: { type: 'integer', minimum: 1, maximum: 25, description: 'At most this many events and tasks each (default 15).' },
    }),
    run: (i, ctx) => impl.events().recentActivity(i, ctx),
  },
  {
    name: 'vsphere_host_memory', title: 'Host memory situation', readOnly: true, destructive: false, needsConnection: true, tags: ['vsphere', 'memory'],
    description: 'A host\'s memory situation: its memory state (high/clear/soft/hard/low) under the table of its ESX(i) generation with minFree and every threshold, free memory, which VMs balloon or swap now (perf counters), the reclamation ladder (what is active, what comes next), VMs likely reclaimed next, and page-sharing scope. Name the host, or a VM to look at its host. Sources cited.',
    inputSchema: schema({ host: name('The host name or moref.'), vm: name('A VM name: its host is examined.') }),
    run: (i, ctx) => impl.memory().hostMemory(i, ctx),
  },
  {
    name: 'vsphere_backup_readiness', title: 'Backup readiness', readOnly: true, destructive: false, needsConnection: false, tags: ['vsphere', 'backup'],
    description: 'Why a VM\'s backup (VADP / VMware Data Recovery) fails or will fail: checks quiescing (disk.EnableUUID on Windows 2008), changed block tracking, independent disks, physical RDMs, snapshots and consolidation, VMware Tools, hardware version. Give a VM, a subtree (folder, cluster or host name) or .vmx files, optionally with Data Recovery log files. Returns findings with evidence (.vmx lines as links, API properties, log lines), sources and the fix.',
    inputSchema: schema({
      vm: name('A VM of the connection (name, path or moref).'),
      under: name('Every VM under this datacenter, folder, cluster or host (at most 50).'),
      vmxFiles: files('.vmx files (paths; relative to the workspace or working directory).'),
      logFiles: files('Data Recovery logs (datarecovery-N.log, vcbAPI-N.log) to read with the configuration.'),
    }),
    run: (i, ctx) => impl.backup().backupReadiness(i, ctx),
  },
  {
    name: 'backup_log_analysis', title: 'Data Recovery log analysis', readOnly: true, destructive: false, needsConnection: false, tags: ['backup', 'logs'],
    description: 'Analyses VMware Data Recovery appliance logs (datarecovery-N.log, vcbAPI-N.log) and VMs\' vmware.log files (streamed, any size): job runs and their outcome per VM, error codes with their meaning and count, quiesce and snapshot failures, and findings (e.g. -3960 cannot quiesce) with the log lines as links.',
    inputSchema: schema({ files: files('The log files (paths): datarecovery-N.log, vcbAPI-N.log, vmware.log.') }, ['files']),
    run: (i, ctx) => impl.backup().backupLogs(i as never, ctx),
  },
  {
    name: 'vmx_lint', title: 'Lint .vmx files', readOnly: true, destructive: false, needsConnection: false, tags: ['vmx'],
    description: 'Checks .vmx files as the editor does: duplicate keys (VMware refuses to start the VM), syntax VMware ignores, values against the key catalog, settings the hardware version cannot have. Returns each problem with its line as a link and the quick fix.',
    inputSchema: schema({ files: files('The .vmx files (paths).') }, ['files']),
    run: (i, ctx) => impl.files().vmxLint(i as never, ctx),
  },
  {
    name: 'certificate_status', title: 'Certificate status', readOnly: true, destructive: false, needsConnection: false, tags: ['vsphere', 'certificates'],
    description: 'The TLS certificate an ESX(i) host or vCenter serves, by a handshake (no credentials sent): subject, issuer, expiry and days left, key size, signature algorithm, whether this machine trusts it, and problems (expired, expiring, weak key, SHA-1, wrong name). Give endpoints (host[:port]); without them, every host and the vCenter of the vSphere connection (host certificates through HostCertificateManager where the generation has it, else by handshake).',
    inputSchema: schema({
      endpoints: { type: 'array', items: { type: 'string', maxLength: 300 }, maxItems: 20, description: 'host or host:port of each endpoint.' },
      withinDays: { type: 'integer', minimum: 0, maximum: 3650, description: 'Flag certificates expiring within this many days (default 90: this quarter).' },
      board: { type: 'boolean', description: 'Without endpoints: true (default) reads every host and the vCenter of the connection (the expiry board, soonest first); false only the connection\'s own endpoint.' },
    }),
    run: (i, ctx) => impl.files().certStatus(i, ctx),
  },
  {
    name: 'vsphere_vm_power', title: 'Power a VM on or off', readOnly: false, destructive: true, needsConnection: true, tags: ['vsphere', 'vm', 'change'],
    description: 'Changes a VM\'s power: powerOn, powerOff (immediate, like pulling the plug), reset, or shutdownGuest (clean, through VMware Tools). Asks for confirmation first, naming the VM, its host and its state now. Returns the power state read back afterwards.',
    inputSchema: schema({
      vm: name('The VM: its name, inventory path or moref.'),
      action: { type: 'string', enum: ['powerOn', 'powerOff', 'reset', 'shutdownGuest'], description: 'What to do.' },
    }, ['vm', 'action']),
    plan: (i, ctx) => impl.power().planPower(i as never, ctx),
    run: (i, ctx) => impl.power().runPower(i as never, ctx),
  },
  {
    name: 'vsphere_vm_snapshot', title: 'Take, revert or delete a snapshot', readOnly: false, destructive: true, needsConnection: true, tags: ['vsphere', 'vm', 'snapshot', 'change'],
    description: 'Takes a snapshot of a VM (optionally with memory or quiesced), reverts the VM to a snapshot, deletes one snapshot (its children move up, or go with it) or deletes all. Asks for confirmation first, naming the VM, the snapshot and what is lost. Returns the snapshot tree read back afterwards.',
    inputSchema: schema({
      vm: name('The VM: its name, inventory path or moref.'),
      action: { type: 'string', enum: ['take', 'revert', 'delete', 'deleteAll'], description: 'What to do.' },
      snapshot: { type: 'string', maxLength: 400, description: 'take: the new snapshot\'s name (80 characters at most); revert / delete: the snapshot\'s name or path ("base / before upgrade").' },
      description: { type: 'string', maxLength: 2000, description: 'take: a description.' },
      memory: { type: 'boolean', description: 'take: save the running VM\'s memory too.' },
      quiesce: { type: 'boolean', description: 'take: quiesce the guest file systems through VMware Tools.' },
      withChildren: { type: 'boolean', description: 'delete: delete its child snapshots too (default: they move to its parent).' },
    }, ['vm', 'action']),
    plan: (i, ctx) => impl.snapshots().planSnapshot(i as never, ctx),
    run: (i, ctx) => impl.snapshots().runSnapshot(i as never, ctx),
  },
  {
    name: 'vsphere_backup_fix', title: 'Apply a backup fix', readOnly: false, destructive: true, needsConnection: true, tags: ['vsphere', 'backup', 'change'],
    description: 'Applies one backup-readiness fix to named VMs: enableUuidTrue / enableUuidFalse (disk.EnableUUID, VM powered off), consolidate (disks left by snapshots), enableCbt (changed block tracking). Mode poweredOffOnly (default) skips running VMs that must be off; shutdownApplyPowerOn shuts their guest down, applies and powers them on again. Asks for confirmation first, listing each VM and what happens to it; re-checks each VM afterwards.',
    inputSchema: schema({
      fix: { type: 'string', enum: ['enableUuidTrue', 'enableUuidFalse', 'consolidate', 'enableCbt'], description: 'The fix (vsphere_backup_readiness names it on the findings it answers).' },
      vms: { type: 'array', items: { type: 'string', maxLength: 300 }, maxItems: 20, description: 'The VMs (names, paths or morefs).' },
      mode: { type: 'string', enum: ['poweredOffOnly', 'shutdownApplyPowerOn'], description: 'What to do with a running VM when the fix needs it off (default poweredOffOnly: skip it).' },
    }, ['fix', 'vms']),
    plan: (i, ctx) => impl.backupFix().planBackupFix(i as never, ctx),
    run: (i, ctx) => impl.backupFix().runBackupFix(i as never, ctx),
  },
  {
    name: 'vsphere_certificate_rotation', title: 'Rotate host certificates', readOnly: false, destructive: true, needsConnection: true, tags: ['vsphere', 'certificates', 'change'],
    description: 'Starts or finishes a certificate rotation of named ESXi hosts whose generation has the HostCertificateManager API (6.0+). action "request": each host generates its own key and CSR (the key never leaves the host) and the CSRs are written to "folder" as NAME.csr for the CA. action "deploy": the signed certificates (and CA chain) in "folder" are matched to the hosts by their SANs and installed through the host API, each proven by a TLS handshake or rolled back to the previous certificate. Hosts on other routes (SSH, 4.x/5.x) are refused with the way to rotate them (Certificates board or vlab cert rotate): no private key or SSH password passes through here. Asks for confirmation first, listing each host and what changes.',
    inputSchema: schema({
      action: { type: 'string', enum: ['request', 'deploy'], description: 'request: CSRs made on the hosts, written to folder; deploy: the signed certificates in folder installed.' },
      hosts: { type: 'array', items: { type: 'string', maxLength: 300 }, maxItems: 20, description: 'The hosts (names, addresses or morefs).' },
      folder: { type: 'string', maxLength: 4096, description: 'Where the CSRs go (request) or the signed certificates are (deploy); relative to the workspace.' },
      concurrency: { type: 'integer', minimum: 1, maximum: 4, description: 'Hosts deployed at once (default 2).' },
    }, ['action', 'hosts', 'folder']),
    plan: (i, ctx) => impl.certRotation().planCertRotation(i as never, ctx),
    run: (i, ctx) => impl.certRotation().runCertRotation(i as never, ctx),
  },
];

export function agentTool(toolName: string): AgentTool | undefined {
  return AGENT_TOOLS.find((t) => t.name === toolName);
}

/** The tools a host offers: all, or the read-only ones. */
export function availableTools(allowChanges: boolean): AgentTool[] {
  return AGENT_TOOLS.filter((t) => allowChanges || t.readOnly);
}

/** Validates the input, runs the tool and renders its bounded text. */
export async function invokeAgentTool(tool: AgentTool, raw: unknown, ctx: ToolContext): Promise<string> {
  const input = checkInput<CommonInput>(raw, tool.inputSchema);
  const result = await tool.run(input, ctx);
  return renderResult(result, { detail: input.detail, fileLink: ctx.fileLink });
}

/** A mutating tool's planned change (validated input; nothing changes). */
export async function planAgentTool(tool: AgentTool, raw: unknown, ctx: ToolContext): Promise<PlannedChange | undefined> {
  if (!tool.plan) return undefined;
  return tool.plan(checkInput<CommonInput>(raw, tool.inputSchema), ctx);
}
