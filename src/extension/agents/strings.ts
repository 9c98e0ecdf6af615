/**
 * What the user reads around an agent tool call: the progress line, the confirmation title and the
 * refusal in an untrusted workspace (through vscode.l10n.t, French in l10n/bundle.l10n.fr.json). The
 * confirmation's body lists the change on its objects as the core plans it.
 */
import * as vscode from 'vscode';
import type { AgentTool } from '../../core/agents/types';

type Input = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The line VS Code shows while the tool runs. */
export function invocationMessage(tool: AgentTool, input: Input): string {
  switch (tool.name) {
    case 'vsphere_find_vms': return vscode.l10n.t('Searching the vSphere inventory for VMs');
    case 'vsphere_vm_facts': return vscode.l10n.t('Reading the facts of VM {0}', str(input.vm));
    case 'vsphere_recent_activity': return vscode.l10n.t('Reading recent events and tasks');
    case 'vsphere_host_memory': return vscode.l10n.t('Reading the memory situation of {0}', str(input.host) || str(input.vm));
    case 'vsphere_backup_readiness': return vscode.l10n.t('Checking backup readiness');
    case 'backup_log_analysis': return vscode.l10n.t('Analysing Data Recovery logs');
    case 'vmx_lint': return vscode.l10n.t('Checking .vmx files');
    case 'certificate_status': return vscode.l10n.t('Checking certificates');
    case 'vsphere_vm_power': return vscode.l10n.t('Changing the power state of VM {0}', str(input.vm));
    case 'vsphere_vm_snapshot': return vscode.l10n.t('Working on the snapshots of VM {0}', str(input.vm));
    case 'vsphere_backup_fix': return vscode.l10n.t('Applying a backup fix');
    default: return vscode.l10n.t('Running {0}', tool.title);
  }
}

/** The confirmation's title: the change in the user's language; `planned` (the core's words) otherwise. */
export function confirmTitle(tool: AgentTool, input: Input, planned: string): string {
  if (tool.name === 'vsphere_vm_power') {
    const vm = str(input.vm);
    switch (input.action) {
      case 'powerOn': return vscode.l10n.t('Power on {0}?', vm);
      case 'powerOff': return vscode.l10n.t('Power off {0}?', vm);
      case 'reset': return vscode.l10n.t('Reset {0}?', vm);
      case 'shutdownGuest': return vscode.l10n.t('Shut down the guest of {0}?', vm);
    }
  }
  if (tool.name === 'vsphere_vm_snapshot') {
    const vm = str(input.vm);
    const snap = str(input.snapshot);
    switch (input.action) {
      case 'take': return vscode.l10n.t('Take snapshot "{0}" of {1}?', snap, vm);
      case 'revert': return vscode.l10n.t('Revert {0} to snapshot "{1}"?', vm, snap);
      case 'delete': return vscode.l10n.t('Delete snapshot "{0}" of {1}?', snap, vm);
      case 'deleteAll': return vscode.l10n.t('Delete all snapshots of {0}?', vm);
    }
  }
  if (tool.name === 'vsphere_backup_fix') {
    const n = Array.isArray(input.vms) ? input.vms.length : 0;
    return vscode.l10n.t('Apply the backup fix "{0}" to {1} VM(s)?', str(input.fix), String(n));
  }
  return vscode.l10n.t('{0}?', planned);
}

/** The confirmation before a read-only tool reads files outside the workspace. */
export function outsideTitle(): string {
  return vscode.l10n.t('Let vSphere Lab read these files outside the workspace?');
}

export function untrustedMessage(tool: AgentTool): string {
  return vscode.l10n.t('{0} changes things and is refused in an untrusted workspace: trust the workspace first (Manage Workspace Trust).', tool.title);
}

export const connectionStrings = {
  none: (): string => vscode.l10n.t('No vSphere connection is configured: add one in the vSphere Lab view (Add Connection).'),
  unknown: (name: string, known: string): string => vscode.l10n.t('No connection named "{0}": use one of {1}.', name, known),
  several: (known: string): string => vscode.l10n.t('Several connections are configured: name one of {0}.', known),
  relative: (file: string): string => vscode.l10n.t('"{0}" is relative and no folder is open: give an absolute path.', file),
};
