/**
 * The generation in the tree: one line in the tooltip of a connection (from `about`, read once when
 * the session connects: sessions.ts) and of a host (its `summary.config.product`, retrieved with the
 * inventory through the decoration hook). Features that need a host's generation (the memory panel)
 * read it with `hostGeneration()` from the same retrieved property, so nothing parses versions twice.
 */
import * as vscode from 'vscode';
import { generationFromProduct, HOST_PRODUCT_PATH, type Generation, type GenerationInfo } from '../../core/vsphere/generation';
import type { HostInfo } from '../../core/vsphere/inventory';
import type { InventoryDecorator } from './decorations';

const TABLE: Record<GenerationInfo['memoryStates'], string> = { 'pct-of-host': '4.x', minfree: '5.x', 'minfree-clear': '6.0+' };

/** "Generation: ESXi 8.0.2 (8.x) · API 8.0.2.0 · memory states: 6.0+ table" */
export function generationLine(g: GenerationInfo): string {
  const product = g.product === 'vcenter' ? 'vCenter' : g.product === 'esx' ? 'ESX' : g.product === 'esxi' ? 'ESXi' : '';
  const parts = [
    `${product ? `${product} ` : ''}${g.version}${g.build ? ` build-${g.build}` : ''} (${g.family})`,
    g.apiVersion ? vscode.l10n.t('API {0}', g.apiVersion) : '',
    g.product === 'vcenter' ? '' : vscode.l10n.t('memory states: {0} table', TABLE[g.memoryStates]),
  ].filter(Boolean);
  return `${vscode.l10n.t('Generation')}: ${parts.join(' · ')}`;
}

/** A host's generation from what the inventory retrieved (undefined before a load with the decorator). */
export function hostGeneration(h: HostInfo | undefined): Generation | undefined {
  return generationFromProduct(h?.extra?.[HOST_PRODUCT_PATH]);
}

/** Adds the host's generation to its tooltip (and asks the inventory load for the product). */
export const generationDecorator: InventoryDecorator = {
  id: 'generation',
  properties: { HostSystem: [HOST_PRODUCT_PATH] },
  decorate(_conn, item) {
    if (item.kind !== 'host') return undefined;
    const g = hostGeneration(item.info);
    return g ? { tooltip: [generationLine(g.toJSON())] } : undefined;
  },
};
