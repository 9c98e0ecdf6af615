/**
 * The features bundle's entry (dist/extension-features.js, esbuild.mjs): every feature that opens
 * from the inventory, the editor or an agent registers here. activate() (./extension.ts) does not
 * load it: ./deferred.ts requires it on the first thing that needs a feature (a command, a panel to
 * restore, an agent tool, a .vmx or log document, a connection). A feature's registration is as
 * before — `registerX(context, inventory)` — and fills the stubs activation left (commands, panel
 * serializers, agent tools).
 *
 * A new feature: add its `registerX` below; a panel that restores after a reload also goes into
 * ./featureManifest.ts (PANEL_VIEW_TYPES), a command that the manifest does not contribute into
 * HIDDEN_COMMANDS there (test/unit/foundation/startup.test.ts checks both).
 */
import type * as vscode from 'vscode';
import { AnalysisHost } from './analysis/host';
import { registerInventoryCommands } from './inventory/commands';
import type { InventoryServices } from './inventory/services';
import { registerAgentTools, type AgentToolsApi } from './agents';
import { registerBackupDiagnostics } from './backup';
import { registerCertificateWizard } from './certs';
import { registerCertBoard } from './certBoard';
import { registerVmxLanguage } from './language';
import { registerLive } from './live';
import { registerMemory } from './memory';
import { registerSnapshots } from './snapshots';
import { registerSshTerminal } from './terminal';
import { registerConsole } from './console';
import { registerReadiness } from './readiness';
import { registerUsbBoot } from './usbBoot';
import { sshService, type SshService } from './ssh';

/** The vSphere client, which the startup bundle's inventory requires on a connection's first use (esbuild.mjs sends its `require('./vsphereApi')` here). */
export * as vsphereApi from './inventory/vsphereApi';

/** What the features hand back to activate()'s API (tests read it). */
export interface LoadedFeatures {
  readonly analysis: AnalysisHost;
  readonly agents: AgentToolsApi;
  readonly ssh: SshService;
}

export function registerFeatures(context: vscode.ExtensionContext, inventory: InventoryServices): LoadedFeatures {
  const analysis = new AnalysisHost();
  context.subscriptions.push(analysis);
  registerVmxLanguage(context, analysis);
  registerInventoryCommands(context, inventory);
  // Features that open from the inventory register below: registerX(context, inventory).
  registerLive(context, inventory);
  registerCertificateWizard(context, inventory);
  registerCertBoard(context, inventory);
  registerMemory(context, inventory);
  registerReadiness(context, inventory);
  registerUsbBoot(context, inventory);
  registerBackupDiagnostics(context, inventory, analysis);
  registerSnapshots(context, inventory);
  registerSshTerminal(context, inventory);
  registerConsole(context, inventory);
  const agents = registerAgentTools(context, inventory);
  return { analysis, agents, ssh: sshService(context) };
}
