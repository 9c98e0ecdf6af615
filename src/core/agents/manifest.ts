/**
 * The manifest's `contributes.languageModelTools` as the registry implies it: VS Code reads the
 * tools' names, descriptions and schemas from package.json before the extension runs, so the two
 * must agree. test/unit/agents/manifest.test.ts holds package.json equal to this; after changing a
 * tool, `npx tsx scripts/agent-tools-manifest.ts` rewrites the section and the English names.
 */
import { AGENT_TOOLS } from './registry';
import type { AgentTool, JsonSchema } from './types';

/** `#name` references in chat. */
export const TOOL_REFERENCE_NAMES: Readonly<Record<string, string>> = {
  vsphere_find_vms: 'findVms',
  vsphere_vm_facts: 'vmFacts',
  vsphere_recent_activity: 'recentActivity',
  vsphere_host_memory: 'hostMemory',
  vsphere_backup_readiness: 'backupReadiness',
  backup_log_analysis: 'backupLogs',
  vmx_lint: 'vmxLint',
  certificate_status: 'certStatus',
  vsphere_vm_power: 'vmPower',
  vsphere_vm_snapshot: 'vmSnapshot',
  vsphere_backup_fix: 'backupFix',
  vsphere_certificate_rotation: 'certRotation',
};

export interface ManifestTool {
  name: string;
  displayName: string;
  userDescription: string;
  modelDescription: string;
  toolReferenceName: string;
  canBeReferencedInPrompt: boolean;
  icon: string;
  tags: string[];
  inputSchema: JsonSchema;
}

const ICONS: Readonly<Record<string, string>> = { vsphere_vm_power: '$(debug-start)', vmx_lint: '$(checklist)', certificate_status: '$(lock)', vsphere_vm_snapshot: '$(history)', vsphere_backup_fix: '$(wrench)' };

export function manifestTool(t: AgentTool): ManifestTool {
  return {
    name: `vsphereLab_${t.name}`,
    displayName: `%languageModelTools.${t.name}.displayName%`,
    userDescription: `%languageModelTools.${t.name}.userDescription%`,
    modelDescription: t.description,
    toolReferenceName: TOOL_REFERENCE_NAMES[t.name] ?? t.name,
    canBeReferencedInPrompt: true,
    icon: ICONS[t.name] ?? '$(server-environment)',
    tags: ['vsphereLab', ...t.tags],
    inputSchema: t.inputSchema,
  };
}

export function manifestTools(): ManifestTool[] {
  return AGENT_TOOLS.map(manifestTool);
}
