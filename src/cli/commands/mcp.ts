/**
 * `vlab mcp [--allow-changes] [--config FILE]`: the agent tools (core/agents/registry.ts) as a Model
 * Context Protocol server over stdio, on the official MCP TypeScript SDK (loaded only here). Read-only
 * unless `--allow-changes`: the mutating tools are then listed, otherwise they do not exist. It starts
 * and lists its tools with no connection (the file tools work offline); vSphere connections come
 * from the environment or the config file (agentContext.ts), never from argv or tool arguments.
 * Nothing but protocol on stdout; diagnostics go to stderr.
 */
import { format } from 'node:util';
import { lazy } from '../../core/lazy';
import { isCancellation, LabError } from '../../core/errors';
import { availableTools, invokeAgentTool } from '../../core/agents/registry';
import type { AgentTool } from '../../core/agents/types';
import { CliConnections, cliToolContext, connectionSpecs } from '../agentContext';
import { optionString, type CliCommand, type CliInvocation } from '../command';
import { version } from '../../../package.json';

const sdk = {
  server: lazy(() => require('@modelcontextprotocol/sdk/server/index.js') as typeof import('@modelcontextprotocol/sdk/server/index.js')),
  stdio: lazy(() => require('@modelcontextprotocol/sdk/server/stdio.js') as typeof import('@modelcontextprotocol/sdk/server/stdio.js')),
  types: lazy(() => require('@modelcontextprotocol/sdk/types.js') as typeof import('@modelcontextprotocol/sdk/types.js')),
};

/** The MCP description of a tool: its schema and truthful annotations. */
export function mcpToolOf(t: AgentTool): { name: string; title: string; description: string; inputSchema: { type: 'object'; [k: string]: unknown }; annotations: Record<string, unknown> } {
  return {
    name: t.name, title: t.title, description: t.description,
    inputSchema: t.inputSchema as { type: 'object' },
    annotations: { title: t.title, readOnlyHint: t.readOnly, destructiveHint: t.destructive, idempotentHint: t.readOnly, openWorldHint: t.needsConnection },
  };
}

function errorText(e: unknown): string {
  if (isCancellation(e)) return 'Cancelled.';
  if (e instanceof LabError) return e.message;
  return `Failed: ${(e as Error)?.message ?? String(e)}`;
}

async function serve(inv: CliInvocation): Promise<number> {
  const allow = inv.values['allow-changes'] === true;
  const log = (m: string): void => inv.io.stderr(`vlab mcp: ${m}\n`);
  // stdout carries the protocol only: a stray console.log (ours or a dependency's) goes to stderr.
  console.log = console.info = console.debug = (...a: unknown[]) => inv.io.stderr(`${format(...a)}\n`);
  const conns = new CliConnections(await connectionSpecs(optionString(inv, 'config'), inv.io.env), log);
  const tools = availableTools(allow);
  const { Server } = sdk.server();
  const { ListToolsRequestSchema, CallToolRequestSchema } = sdk.types();
  const server = new Server({ name: 'vsphere-lab', version }, { capabilities: { tools: {} }, instructions: 'vSphere Lab tools: answers carry their evidence (file lines as links, API property paths, sources). Read-only unless the server was started with --allow-changes.' });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(mcpToolOf) }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const tool = tools.find((t) => t.name === req.params.name);
    if (!tool) {
      const known = availableTools(true).some((t) => t.name === req.params.name);
      return { isError: true, content: [{ type: 'text' as const, text: known ? `${req.params.name} changes things: start vlab mcp with --allow-changes to offer it.` : `No tool named ${req.params.name}.` }] };
    }
    try {
      const text = await invokeAgentTool(tool, req.params.arguments ?? {}, cliToolContext(conns, inv.io.cwd, extra.signal));
      return { content: [{ type: 'text' as const, text }] };
    } catch (e) {
      log(`${tool.name}: ${errorText(e)}`);
      return { isError: true, content: [{ type: 'text' as const, text: errorText(e) }] };
    }
  });
  const transport = new (sdk.stdio().StdioServerTransport)();
  const closed = new Promise<void>((resolve) => { transport.onclose = () => resolve(); process.stdin.once('end', () => resolve()); });
  await server.connect(transport);
  log(`serving ${tools.length} tool(s)${allow ? ' (changes allowed)' : ' (read-only)'}; connections: ${conns.names().join(', ') || 'none'}`);
  await closed;
  await server.close().catch(() => undefined);
  await conns.close();
  return 0;
}

export const commands: CliCommand[] = [{
  path: ['mcp'],
  summary: 'Serve the vSphere Lab agent tools over the Model Context Protocol (stdio); read-only unless --allow-changes.',
  synopsis: '[--allow-changes] [--config FILE]',
  positionals: { min: 0, max: 0 },
  options: {
    'allow-changes': { type: 'boolean', description: 'also offer the tools that change things (power, snapshots, fixes, certificates)' },
    config: { type: 'string', valueName: 'FILE', description: 'JSON file with the vSphere connections (else VLAB_URL, VLAB_USER, VLAB_PASSWORD, VLAB_THUMBPRINT)' },
  },
  run: serve,
}];
