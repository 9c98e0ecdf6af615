/**
 * The agent tools' contract: one registry (./registry.ts) of tools that both VS Code's language-model
 * tools (src/extension/agents) and `vlab mcp` (src/cli/commands/mcp.ts) expose. A tool is data (name,
 * description, JSON input schema, read-only / destructive flags) plus `run(input, ctx)`; the host
 * supplies the context (vSphere connections, file resolution, links, trust) and renders the result
 * (./render.ts). No runtime imports: hosts may load this module eagerly.
 */
import type { VimClient } from '../vsphere/client';

/** The subset of JSON Schema the tools use (also what VS Code and MCP clients read). */
export interface JsonSchema {
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  maxLength?: number;
  additionalProperties?: boolean;
}

/** Where a claim comes from; every fact carries at least one. */
export type Evidence =
  /** A line of a file (a .vmx, a log): rendered as a link that opens at the line. */
  | { kind: 'file'; file: string; line: number; text?: string; href?: string }
  /** A vSphere API property: object (`VirtualMachine:vm-42 "web01"`), property path, value. */
  | { kind: 'api'; object: string; path: string; value: string }
  /** A TLS handshake with an endpoint. */
  | { kind: 'tls'; endpoint: string; text: string }
  /** A documented source: a VMware KB, a guide, a blog post. */
  | { kind: 'source'; title: string; url?: string };

/** One claim of a result, with its evidence. */
export interface Fact {
  text: string;
  severity?: 'error' | 'warning' | 'info';
  evidence: Evidence[];
}

/** What a tool returns: a summary first, facts with evidence, raw details on request. */
export interface ToolResult {
  summary: string;
  facts: Fact[];
  /** Machine-readable details (bounded by the renderer), shown with `detail: "full"`. */
  details?: unknown;
}

/** A change a mutating tool will make, for the confirmation the host shows first. */
export interface PlannedChange {
  /** Short title: "Power off web01". */
  title: string;
  /** Exactly what changes, on which objects (one line each). */
  changes: string[];
  /** Undone how / not at all. */
  warning?: string;
}

/** A vSphere connection as a tool sees it. */
export interface ToolConnection {
  id: string;
  label: string;
  client: VimClient;
}

/** What the host gives a tool run. */
export interface ToolContext {
  readonly signal: AbortSignal;
  /** Names of the connections available (for messages); empty when none is configured. */
  connectionNames(): string[];
  /**
   * A logged-in connection: the one named (id or label), or the only one. Throws a LabError saying
   * how to configure one when there is none, or which names exist when the name is unknown.
   */
  connection(name?: string): Promise<ToolConnection>;
  /** An absolute path for a file named in the input (relative to the workspace / working directory). */
  resolveFile(file: string): string;
  /** The link that opens `file` at `line` (1-based) in the host. */
  fileLink(file: string, line?: number): string;
  /** The link that opens a datastore file (`[ds] path`) of a datacenter at a line, where the host can open one. */
  datastoreLink?(connectionId: string, datacenterPath: string, dsPath: string, line?: number): string | undefined;
  /** Called after a change, so the host can refresh what it shows (the tree). */
  changed?(connectionId: string): void;
}

/** Input fields every tool accepts. */
export interface CommonInput {
  connection?: string;
  detail?: 'summary' | 'full';
}

export interface AgentTool<I extends CommonInput = CommonInput> {
  /** snake_case, unique; the MCP name and (prefixed `vsphereLab_`) the VS Code name. */
  readonly name: string;
  /** Human title (VS Code displayName, MCP title). */
  readonly title: string;
  /** For the model: what it answers, when to use it, what it returns. */
  readonly description: string;
  readonly inputSchema: JsonSchema;
  /** Reads only (MCP readOnlyHint). */
  readonly readOnly: boolean;
  /** May lose data or state that cannot be restored as it was (MCP destructiveHint). */
  readonly destructive: boolean;
  /** Needs a vSphere connection (false: works on files offline). */
  readonly needsConnection: boolean;
  /** Tags for VS Code. */
  readonly tags: readonly string[];
  /** Mutating tools: what will change, read from the live objects, without changing anything. */
  plan?(input: I, ctx: ToolContext): Promise<PlannedChange>;
  run(input: I, ctx: ToolContext): Promise<ToolResult>;
}
