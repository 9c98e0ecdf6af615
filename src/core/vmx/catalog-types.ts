/**
 * Shape of the .vmx key catalog (data in src/core/vmx/catalog.json, API in catalog.ts).
 * Shared contract between the catalog, lint, hover and completion.
 */
export type VmxValueType = 'bool' | 'int' | 'enum' | 'string' | 'path' | 'size' | 'float' | 'uuid' | 'mac' | 'list';

/** The lowest virtual hardware version (virtualHW.version) on which ESXi offers a setting. */
export interface VmxHardwareRequirement {
  version: number;
  /** Where the fact comes from. Required. */
  source: string;
}

export interface VmxAllowedValue {
  /** The value as written in the .vmx, e.g. "lsilogic" or "windows7srv-64". */
  value: string;
  /** What it means, e.g. "LSI Logic parallel SCSI" or "Windows Server 2008 R2 (64-bit)". */
  description: string;
  /** Extra facts, e.g. the API guest id for a guestOS value ("windows7Server64Guest"). */
  apiId?: string;
  /** Setting this value needs at least this virtual hardware (e.g. firmware = "efi"). */
  minHardware?: VmxHardwareRequirement;
}

export interface VmxProducts {
  esx?: string;          // e.g. "3.5+", "4.0+"
  workstation?: string;  // e.g. "6.5+"
  fusion?: string;
}

export interface VmxCatalogEntry {
  /**
   * The key, or a pattern with placeholders: `scsi{n}:{m}.fileName`, `ethernet{n}.virtualDev`.
   * `{n}` and `{m}` match decimal indices. Matching is case-insensitive.
   */
  key: string;
  description: string;
  type: VmxValueType;
  values?: VmxAllowedValue[];
  /** Whether values outside `values` are an error (closed enum) or just unusual (open list). */
  closed?: boolean;
  default?: string;
  /** For int/size: inclusive bounds where known. */
  min?: number;
  max?: number;
  products?: VmxProducts;
  /** A boolean that needs this virtual hardware when set to TRUE (e.g. nvme{n}.present). */
  minHardware?: VmxHardwareRequirement;
  /** Where the fact comes from (a URL or a document name). Required. */
  source: string;
}

export interface VmxCatalogMatch {
  entry: VmxCatalogEntry;
  /** Values bound to the placeholders, e.g. { n: "0", m: "1" }. */
  captures: Record<string, string>;
}
