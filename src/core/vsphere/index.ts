/**
 * vSphere Web Services client (pure; no VS Code). Entry points:
 * - {@link VimClient.connect} — session over HTTPS with a trust policy (system / pinned / insecure)
 * - inventory: getInventory, listVms, listHosts, …; property: retrieve, retrieveObject
 * - snapshots: getSnapshotTree, createSnapshot, revertToSnapshot, removeSnapshot, removeAllSnapshots;
 *   console: consoleLinks (VMRC clone ticket, WebMKS ticket)
 * - vm: powerOn/Off, reset, shutdownGuest, setExtraConfig, getVmDiagnostics; tasks: runTask, waitForTask
 * - datastore: downloadFile, uploadFile, listFolder; perf: getPerfCatalog, queryPerf
 * - tls: describeCertificate, fetchPeerCertificate, normalizeThumbprint; errors: typed failures
 */
export * from './client';
export * from './console';
export * from './datastore';
export * from './decode';
export * from './errors';
export * from './generation';
export * from './inventory';
export * from './perf';
export * from './property';
export * from './snapshots';
export * from './soap';
export * from './tasks';
export * from './tls';
export * from './vm';
export { parseXml, parseXmlFast, XmlError, type XNode } from './xml';
