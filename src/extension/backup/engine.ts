/**
 * Everything backup diagnostics runs, in one module loaded on first use (a .vmx or Data Recovery
 * log opened, or the panel shown), so activation stays light.
 */
import { factsFromApi, factsFromVmxDocument, type FactHints, type VmFacts } from '../../core/backup/facts';
import { LogAnalyzer, type LogAnalysis } from '../../core/backup/logs';
import { diagnose, type Finding } from '../../core/backup/rules';
import { VmxDocument } from '../../core/vmx/document';

export { readRunningHostProduct, readVmForBackup } from '../../core/backup/api';
export { CREATED_ON_CHOICES, inferCreatedOn } from '../../core/backup/createdOn';
export { isWindows2008Family, parseHardwareVersion } from '../../core/backup/facts';
export { anchorLine, findingKey, fixLabel, planFix } from '../../core/backup/fixes';
export { analyzeLogFiles } from '../../core/backup/logs';
export { diagnose, factsFromApi };
export { VmxDocument, VmxDuplicateKeyError } from '../../core/vmx/document';
export { isVmRunning, findVmLocks } from '../../core/vmx/locks';
export { moref } from '../../core/vsphere/decode';
export { retrieveProperty } from '../../core/vsphere/property';
export { setExtraConfig, shutdownGuest } from '../../core/vsphere/vm';

/** Findings for a parsed .vmx (the editor's, parsed once per version); evidence names `file` (a URI string). */
export function diagnoseVmxDocument(doc: VmxDocument, file: string, hints?: FactHints): { facts: VmFacts; findings: Finding[] } {
  const facts = factsFromVmxDocument(doc, file, hints);
  return { facts, findings: diagnose({ facts }) };
}

/** Findings for the text of a .vmx; evidence names `file` (a URI string). */
export function diagnoseVmxText(text: string, file: string, hints?: FactHints): { facts: VmFacts; findings: Finding[] } {
  return diagnoseVmxDocument(VmxDocument.fromText(text), file, hints);
}

/** Findings for the text of one Data Recovery log; evidence names `file` (a URI string). */
export async function diagnoseLogText(text: string, file: string): Promise<{ logs: LogAnalysis; findings: Finding[] }> {
  const an = new LogAnalyzer();
  await an.consumeText(text, file);
  const logs = an.result();
  return { logs, findings: diagnose({ logs }) };
}
