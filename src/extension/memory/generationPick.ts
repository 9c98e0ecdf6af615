/**
 * The ESX(i) generation an esxtop capture comes from, as the user picked it in the panel,
 * remembered per file (workspace state, by URI). A capture's columns do not tell the generation in
 * any capture known to us (the only real one is an ESXi 6 capture, DOMAIN.md §3; the lab prints that
 * column set for every generation), so without a pick the panel uses the 4.x table and asks.
 */
import type * as vscode from 'vscode';
import { knownGeneration, type Generation } from '../../core/vsphere/generation';

const key = (file: string) => `vsphereLab.memory.esxtopGeneration:${file}`;

export function pickedGeneration(context: vscode.ExtensionContext, file: string): Generation | undefined {
  return knownGeneration(context.workspaceState.get<string>(key(file)));
}

/** Remembers the pick for the file; an unknown generation is refused (the list comes from the view). */
export async function rememberGeneration(context: vscode.ExtensionContext, file: string, generation: string): Promise<Generation> {
  const g = knownGeneration(generation);
  if (!g) throw new Error(`unknown generation "${generation}"`);
  await context.workspaceState.update(key(file), generation);
  return g;
}
