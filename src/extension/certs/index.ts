/**
 * The certificate wizard ("Replace Certificate…", `vsphereLab.certWizard`): opens from a host or a
 * connection node of the inventory, or from the palette (asks HOST:PORT).
 *
 * Arguments for scripts and tests: a tree node, or `{ host: 'HOST[:PORT]', kind?: 'esx'|'vcenter',
 * conn?: string }`. Returns the panel (a PanelHost) so tests can drive its handlers with `call()`.
 */
import * as vscode from 'vscode';
import type { InventoryServices } from '../inventory/services';
import type { Node } from '../inventory/provider';
import { PanelHost } from '../panels/panelHost';
import { commandArgs, registerCommand } from '../commands';
import { LabError } from '../../core/errors';
import type { CertWizardProtocol, CertWizardState } from '../../webview/certs/protocol';
import { certWizardDefinition, isWizardState } from './wizard';
import { parseEndpoint } from '../../core/net/endpoint';

export interface CertWizardArgs {
  host: string;
  kind?: 'esx' | 'vcenter';
  conn?: string;
}

/** `host[:port]`, `[v6]:port`, or an https URL → host and port (443 by default; core/net/endpoint). */
function parseHostPort(text: string): { host: string; port: number } | undefined {
  const ep = parseEndpoint(text, 443);
  return ep && { host: ep.host, port: ep.port };
}

export function registerCertificateWizard(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  const def = certWizardDefinition(context, inventory);
  PanelHost.registerSerializer(context, def, isWizardState);

  /** The HTTPS endpoint and kind of a tree node. */
  const fromNode = async (node: Node): Promise<CertWizardState | undefined> => {
    if (node.type === 'message') return undefined;
    const conn = inventory.store.get(node.conn);
    if (!conn) return undefined;
    const ep = parseHostPort(conn.url)!;
    let apiType: string | undefined;
    try {
      apiType = (await inventory.sessions.client(node.conn)).serviceContent.about.apiType;
    } catch {
      apiType = undefined;
    }
    if (node.type === 'connection') {
      return { ...ep, conn: node.conn, kind: apiType === 'VirtualCenter' ? 'vcenter' : 'esx', step: 1 };
    }
    const item = inventory.provider.item(node);
    if (item?.kind !== 'host') return undefined;
    // A host reached directly (the connection is the ESX(i) itself) is the connection's endpoint;
    // a host under vCenter answers HTTPS on its own name.
    if (apiType === 'HostAgent') return { ...ep, conn: node.conn, kind: 'esx', step: 1 };
    return { host: item.info.name, port: 443, kind: 'esx', step: 1, via: node.conn };
  };

  registerCommand(context, 'vsphereLab.certWizard', async (...raw: unknown[]) => {
    const { node, options } = commandArgs<CertWizardArgs>(raw);
    const s = node ? await fromNode(node) : typeof options?.host === 'string' ? fromArgs(options as CertWizardArgs) : await askEndpoint();
    if (!s) {
      if (node) void vscode.window.showErrorMessage(vscode.l10n.t('Pick an ESX(i) host or a connection to replace its certificate.'));
      return undefined;
    }
    return PanelHost.show<CertWizardProtocol, CertWizardState>(context, def, s);
  }, { what: vscode.l10n.t('Replace Certificate') });
}

/** A script's `{ host: 'HOST[:PORT]', kind?, conn? }`. */
function fromArgs(arg: CertWizardArgs): CertWizardState {
  const ep = parseHostPort(arg.host);
  if (!ep) throw new LabError('invalidArgument', vscode.l10n.t('"{0}" is not a host[:port].', arg.host));
  return { ...ep, kind: arg.kind ?? 'esx', step: 1, ...(arg.conn ? { conn: arg.conn } : {}) };
}

/** From the palette: asks HOST[:PORT]; undefined when dismissed. */
async function askEndpoint(): Promise<CertWizardState | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Replace Certificate: host'),
    prompt: vscode.l10n.t('The ESX(i) host or vCenter Server whose certificate to replace, as HOST or HOST:PORT'),
    placeHolder: 'esx01.lab.local, 10.0.0.5:443',
    ignoreFocusOut: true,
    validateInput: (v) => (parseHostPort(v) ? undefined : vscode.l10n.t('Use HOST or HOST:PORT.')),
  });
  if (text === undefined) return undefined;
  return { ...parseHostPort(text)!, kind: 'esx', step: 1 };
}
