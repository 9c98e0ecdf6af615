/**
 * Everything the extension uses from the vSphere client, in one module so that sessions can
 * load it with a single dynamic import the first time a connection is used.
 */
export { VimClient, parseSdkUrl } from '../../core/vsphere/client';
export {
  CertificateChangedError, UntrustedCertificateError, InvalidLoginError, NoPermissionError,
  ConnectionError, TimeoutError, InvalidStateError, TaskError, HttpStatusError, VsphereError,
} from '../../core/vsphere/errors';
export { LiveInventory } from '../../core/vsphere/live';
export { EventCollector, RecentTasks, recentTasks } from '../../core/vsphere/events';
export { getInventory } from '../../core/vsphere/inventory';
export { fetchPeerCertificate, formatCertificateDescription } from '../../core/vsphere/tls';
export { powerOn, powerOff, reset, shutdownGuest } from '../../core/vsphere/vm';
export { readFile, uploadFile, listFolder, parseDatastorePath } from '../../core/vsphere/datastore';
export { retrieve, retrieveProperty, retrievePropertiesEx } from '../../core/vsphere/property';
export { findVmxOwner } from '../../core/vsphere/search';
