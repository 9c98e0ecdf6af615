/**
 * Facts of a catalog entry shown in hovers, computed without `vscode` (unit-tested): the products row
 * and the virtual hardware a key or one of its values needs on ESXi.
 */
import type { VmxCatalogEntry, VmxProducts } from './catalog-types';

/** "ESX/ESXi 6.5+, Workstation 10+" (product names are not translated), or undefined when none is known. */
export function productsText(p: VmxProducts | undefined): string | undefined {
  if (!p) return undefined;
  const parts: string[] = [];
  if (p.esx) parts.push(`ESX/ESXi ${p.esx}`);
  if (p.workstation) parts.push(`Workstation ${p.workstation}`);
  if (p.fusion) parts.push(`Fusion ${p.fusion}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** The lowest virtual hardware for `value` of the entry (the value's own, else the entry's for TRUE). */
export function valueMinHardware(entry: VmxCatalogEntry, value: string): number | undefined {
  const v = value.trim().toLowerCase();
  const allowed = entry.values?.find((a) => a.value.toLowerCase() === v);
  if (allowed?.minHardware) return allowed.minHardware.version;
  if (entry.type === 'bool' && v === 'true' && entry.minHardware) return entry.minHardware.version;
  return undefined;
}
