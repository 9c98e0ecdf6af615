/**
 * The agent tools (src/core/agents/registry.ts) as VS Code language-model tools: each registered
 * with `vscode.lm.registerTool` under `vsphereLab_<name>` (the manifest's `languageModelTools`
 * declares the same names and schemas). Connections are the inventory's sessions; files resolve
 * against the workspace; evidence links open the file at the line.
 *
 * A tool that changes things implements `prepareInvocation` with a confirmation that names the
 * change and its objects (read live; nothing changes while preparing), and is refused in an
 * untrusted workspace. VS Code shows the confirmation in the chat, or as a modal dialog when the
 * tool is invoked outside a chat request.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LabError } from '../../core/errors';
import { AGENT_TOOLS, invokeAgentTool, planAgentTool } from '../../core/agents/registry';
import { renderPlan } from '../../core/agents/render';
import type { AgentTool, ToolContext } from '../../core/agents/types';
import { tokenSignal } from '../commands';
import { claimTool } from '../deferred';
import { log } from '../log';
import { DATASTORE_SCHEME } from '../inventory/datastoreFs';
import type { InventoryServices } from '../inventory/services';
import { confirmTitle, connectionStrings, invocationMessage, outsideTitle, untrustedMessage } from './strings';

/** The VS Code id of a registry tool. */
export const toolId = (name: string): string => `vsphereLab_${name}`;

/** For tests: whether the workspace counts as trusted (undefined: VS Code's answer). */
export interface AgentToolsApi {
  /** Test seam (a stub for the trust state the rig cannot change: code-server runs with trust disabled). */
  setTrustOverride(trusted: boolean | undefined): void;
  /** What VS Code gets from the tool's prepareInvocation (the confirmation), without invoking it. */
  prepare(id: string, input: Record<string, unknown>): Promise<vscode.PreparedToolInvocation | null | undefined>;
}

let trustOverride: boolean | undefined;
const isTrusted = (): boolean => trustOverride ?? vscode.workspace.isTrusted;

function resolveFile(file: string): string {
  if (/^file:\/\//i.test(file)) return vscode.Uri.parse(file).fsPath;
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new LabError('invalidInput', connectionStrings.relative(file));
  return path.join(folder.uri.fsPath, file);
}

function toolContext(inv: InventoryServices, signal: AbortSignal): ToolContext {
  const all = () => inv.store.list();
  const labelOf = (c: { label?: string; url: string; id: string }) => c.label ?? c.url;
  return {
    signal,
    connectionNames: () => all().map(labelOf),
    async connection(name) {
      const list = all();
      if (!list.length) throw new LabError('invalidInput', connectionStrings.none());
      const c = name ? list.find((x) => x.id === name || labelOf(x) === name || x.url === name) : list.length === 1 ? list[0] : undefined;
      const known = list.map((x) => `"${labelOf(x)}"`).join(', ');
      if (!c) throw new LabError('invalidInput', name ? connectionStrings.unknown(name, known) : connectionStrings.several(known));
      return { id: c.id, label: labelOf(c), client: await inv.sessions.client(c.id) };
    },
    resolveFile,
    fileLink: (file, line) => vscode.Uri.file(file).with({ fragment: line ? `L${line}` : '' }).toString(),
    datastoreLink(id, datacenterPath, dsPath, line) {
      const m = /^\[([^\]]+)\]\s*(.*)$/.exec(dsPath.trim());
      if (!m) return undefined;
      return vscode.Uri.from({ scheme: DATASTORE_SCHEME, authority: id, path: `/${encodeURIComponent(datacenterPath.replace(/^\//, ''))}/${m[1]}/${m[2]}`, fragment: line ? `L${line}` : '' }).toString();
    },
    changed(id) {
      void inv.sessions.load(id, true).then(() => inv.provider.refresh(inv.provider.connectionNode(id)), () => undefined);
    },
  };
}

type Input = Record<string, unknown>;

/** The files an input names (files, vmxFiles, logFiles) that are not inside a workspace folder. */
function outsideWorkspace(input: Input): string[] {
  const named = ['files', 'vmxFiles', 'logFiles'].flatMap((k) => (Array.isArray(input[k]) ? (input[k] as unknown[]) : [])).filter((f): f is string => typeof f === 'string');
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((w) => w.uri.scheme === 'file').map((w) => w.uri.fsPath);
  const out: string[] = [];
  for (const f of named) {
    let abs: string;
    try {
      abs = path.resolve(resolveFile(f));
    } catch {
      continue; // the tool itself reports the bad path
    }
    if (!roots.some((r) => abs === r || abs.startsWith(r.endsWith(path.sep) ? r : r + path.sep))) out.push(abs);
  }
  return out;
}

class LabTool implements vscode.LanguageModelTool<Input> {
  constructor(private readonly tool: AgentTool, private readonly inv: InventoryServices) {}

  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<Input>, token: vscode.CancellationToken): Promise<vscode.PreparedToolInvocation> {
    const invocation = invocationMessage(this.tool, options.input);
    if (this.tool.readOnly) {
      // Files outside the workspace are read only with the user's consent (a prompt could name any file).
      const outside = outsideWorkspace(options.input);
      return outside.length
        ? { invocationMessage: invocation, confirmationMessages: { title: outsideTitle(), message: new vscode.MarkdownString(outside.map((f) => `- \`${f}\``).join('\n')) } }
        : { invocationMessage: invocation };
    }
    if (!isTrusted()) return { invocationMessage: invocation };
    const ts = tokenSignal(token);
    let plan;
    try {
      plan = await planAgentTool(this.tool, options.input, toolContext(this.inv, ts.signal));
    } finally {
      ts.dispose();
    }
    return {
      invocationMessage: invocation,
      confirmationMessages: { title: confirmTitle(this.tool, options.input, plan!.title), message: new vscode.MarkdownString(renderPlan(plan!)) },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<Input>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    if (!this.tool.readOnly && !isTrusted()) throw new LabError('refused', untrustedMessage(this.tool));
    const ts = tokenSignal(token);
    try {
      const text = await invokeAgentTool(this.tool, options.input, toolContext(this.inv, ts.signal));
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
    } catch (e) {
      log().warn(`agent tool ${this.tool.name}: ${(e as Error).message}`);
      throw e;
    } finally {
      ts.dispose();
    }
  }
}

export function registerAgentTools(context: vscode.ExtensionContext, inv: InventoryServices): AgentToolsApi {
  const tools = new Map(AGENT_TOOLS.map((t) => [toolId(t.name), new LabTool(t, inv)]));
  const api: AgentToolsApi = {
    setTrustOverride: (t) => { trustOverride = t; },
    prepare: (id, input) => tools.get(id)!.prepareInvocation({ input }, new vscode.CancellationTokenSource().token),
  };
  if (typeof vscode.lm?.registerTool !== 'function') return api;
  for (const [id, tool] of tools) {
    // a stub registered at activation (../deferred.ts) delegates to it; otherwise register it now
    if (!claimTool(id, tool as vscode.LanguageModelTool<object>)) context.subscriptions.push(vscode.lm.registerTool(id, tool));
  }
  return api;
}
